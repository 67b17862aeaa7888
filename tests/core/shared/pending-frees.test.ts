import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BitmapAllocator } from '../../../src-core/shared/alloc/bitmap-allocator.ts';
import { PendingFrees } from '../../../src-core/shared/txn/pending-frees.ts';

// Small stores (the list is dropped past chunkCount/256 pending chunks, so both modes are reached)
// and one of 2^16 chunks; frees come in bursts, as a snapshot delete's do.
const scenario = fc
  .record({ chunkCount: fc.oneof(fc.integer({ min: 8, max: 3000 }), fc.constant(20000)), seed: fc.integer() })
  .chain(({ chunkCount }) =>
    fc.record({
      chunkCount: fc.constant(chunkCount),
      rounds: fc.array(fc.array(fc.integer({ min: 0, max: chunkCount - 1 }), { maxLength: 1200, size: 'max' }), { minLength: 1, maxLength: 4 }),
      // Whether each round's chunks come one by one or as (origin, chunk) pairs, as a leaf drops them.
      inPairs: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    }),
  );

describe('PendingFrees (chunks freed until the next commit): bitmap + list against a Set', () => {
  it('membership, iteration and release into the allocator agree with the model in both modes', () => {
    fc.assert(
      fc.property(scenario, ({ chunkCount, rounds, inPairs }) => {
        const bits = new Uint8Array(Math.ceil(chunkCount / 8 / 4) * 4 + 4).fill(0xff);
        const alloc = new BitmapAllocator(bits, chunkCount, 4096, 'test');
        const pending = new PendingFrees(chunkCount);
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
          for (let c = 0; c < chunkCount; c++) if (pending.has(c) || alloc.isUsed(c) === released.has(c)) wrong.push(c);
          expect(wrong).toEqual([]);
        }
      }),
      { numRuns: 100, endOnFailure: true },
    );
  });
});
