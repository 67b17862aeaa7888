import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BitmapAllocator } from '../../../src-core/shared/alloc/bitmap-allocator.ts';
import { PendingFrees } from '../../../src-core/shared/txn/pending-frees.ts';

// Small stores, one of 20,000 chunks and one at the format's top (2^32 - 1 chunks, only its last
// ones freed); frees come in bursts, as a snapshot delete's do.
const TOP = 2 ** 32 - 1;
const scenario = fc
  .record({ chunkCount: fc.oneof(fc.integer({ min: 8, max: 3000 }), fc.constant(20000), fc.constant(TOP)), seed: fc.integer() })
  .chain(({ chunkCount }) =>
    fc.record({
      chunkCount: fc.constant(chunkCount),
      rounds: fc.array(fc.array(fc.integer({ min: Math.max(0, chunkCount - 20000), max: chunkCount - 1 }), { maxLength: 1200, size: 'max' }), { minLength: 1, maxLength: 4 }),
      // Whether each round's chunks come one by one or as (origin, chunk) pairs, as a leaf drops them.
      inPairs: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    }),
  );

describe('PendingFrees (chunks freed until the next commit): a paged bitmap against a Set', () => {
  it('membership, iteration and release into the allocator agree with the model', () => {
    fc.assert(
      fc.property(scenario, ({ chunkCount, rounds, inPairs }) => {
        // Every chunk used (in the pages the frees reach).
        const alloc = new BitmapAllocator(null, chunkCount, 4096, 'test');
        const first = Math.max(0, chunkCount - 20000);
        alloc.markRange(first, Math.min(chunkCount, first + 20000));
        const pending = new PendingFrees();
        const released = new Set<number>();
        for (const [round, frees] of rounds.entries()) {
          const model = new Set<number>();
          const pairs: number[] = [];
          for (const c of frees) {
            // A chunk is freed once (and, in this test, never reallocated).
            if (model.has(c) || released.has(c)) continue;
            if (pending.has(c)) throw new Error(`${c} pending before it was added`);
            if (inPairs[round]) pairs.push(-1, c);
            else {
              pending.add(c);
              if (!pending.has(c)) throw new Error(`${c} not pending after add`);
            }
            model.add(c);
          }
          if (inPairs[round]) {
            // Some slack before the pairs: addEvery starts where it is told.
            pending.addEvery(Float64Array.from([7, 7, 7, ...pairs]), 4, 2);
            for (const c of model) if (!pending.has(c)) throw new Error(`${c} not pending after addEvery`);
          }
          expect(pending.size).toBe(model.size);
          expect([...pending].sort((a, b) => a - b)).toEqual([...model].sort((a, b) => a - b));
          const lowest = pending.releaseInto(alloc);
          expect(lowest).toBe(model.size ? Math.min(...model) : Infinity);
          for (const c of model) released.add(c);
          expect(pending.size).toBe(0);
          expect([...pending]).toEqual([]);
          const wrong: number[] = [];
          for (let c = first; c < chunkCount; c++) if (pending.has(c) || alloc.isUsed(c) === released.has(c)) wrong.push(c);
          expect(wrong).toEqual([]);
        }
      }),
      { numRuns: 100, endOnFailure: true },
    );
  });

  it('holds what is pending, not the device: a delete of 2^20 chunks near 2^32 takes about their bits, and the next one reuses that room', () => {
    const pending = new PendingFrees();
    const alloc = new BitmapAllocator(null, TOP, 4096, 'test');
    const from = TOP - 2 ** 20;
    alloc.markRange(from, TOP);
    const chunks = new Float64Array(2 * 2 ** 20);
    for (let k = 0; k < 2 ** 20; k++) chunks[2 * k + 1] = from + k;
    pending.addEvery(chunks, 1, 2);
    expect(pending.size).toBe(2 ** 20);
    // A flat bitmap of the device: 512 MiB.
    const held = heldBytes(pending);
    expect(held).toBeLessThan(2.5 * (2 ** 20 / 8));
    expect(pending.releaseInto(alloc)).toBe(from);
    expect(alloc.freeCount).toBe(TOP);
    expect(pending.size).toBe(0);
    alloc.markRange(from, TOP);
    pending.addEvery(chunks, 1, 2);
    expect(heldBytes(pending)).toBe(held);
    expect(pending.releaseInto(alloc)).toBe(from);
  });
});

/** Bytes the typed arrays under the set hold (by reflection: no API for tests). */
function heldBytes(pending: PendingFrees): number {
  let bytes = 0;
  for (const inner of Object.values(pending)) for (const field of Object.values(inner as object)) if (ArrayBuffer.isView(field)) bytes += field.byteLength;
  return bytes;
}
