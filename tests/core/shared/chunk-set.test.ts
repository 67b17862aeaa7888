import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkSet } from '../../../src-core/shared/txn/chunk-set.ts';

const TOP = 2 ** 32 - 2; // the highest chunk of a shared store (at most 2^32 - 1 chunks)
const near = (at: number, spread: number) => fc.integer({ min: Math.max(0, at - spread), max: Math.min(TOP, at + spread) });
// A few chunks on each of eight pages: pages emptied, given back and reused.
const fewPerPage = fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 2 })).map(([page, k]) => page * 2048 + k * 700);
// Word edges, page edges (2,048 chunks), middle-table edges (2^21 chunks) and the format's top.
const chunk = fc.oneof(near(0, 70), near(2048, 40), fewPerPage, near(2 ** 21, 40), fc.constant(2 ** 27 + 31), near(TOP, 70));
const op = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constantFrom('add' as const, 'delete' as const, 'has' as const), chunk }), weight: 40 },
  { arbitrary: fc.record({ kind: fc.constant('clear' as const), chunk }), weight: 3 },
  // More chunks than a clear lists: the next clear sweeps the pools instead.
  { arbitrary: fc.record({ kind: fc.constant('addRun' as const), chunk }), weight: 1 },
  // A leaf's worth at once (addEvery), as (origin, chunk) pairs: runs on a page, then elsewhere.
  { arbitrary: fc.record({ kind: fc.constant('addEvery' as const), chunk, more: fc.array(chunk, { maxLength: 40 }) }), weight: 3 },
);
const RUN = 300;

/** Bytes the set's typed arrays hold (its fields, read by reflection: no API for tests). */
function heldBytes(set: ChunkSet): number {
  let bytes = 0;
  for (const field of Object.values(set)) if (ArrayBuffer.isView(field)) bytes += field.byteLength;
  return bytes;
}

describe('ChunkSet (chunk roles, fresh chunks)', () => {
  it('agrees with a Set through adds, deletes (pages given back and reused), clears (listed or swept) and pool growth, and iterates in chunk order', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 50, maxLength: 600 }), (ops) => {
        const set = new ChunkSet();
        const model = new Set<number>();
        for (const o of ops) {
          if (o.kind === 'add') {
            set.add(o.chunk);
            model.add(o.chunk);
          } else if (o.kind === 'addRun') {
            for (let c = o.chunk; c < Math.min(o.chunk + RUN, TOP + 1); c++) {
              set.add(c);
              model.add(c);
            }
          } else if (o.kind === 'addEvery') {
            const chunks = [o.chunk, o.chunk + 1 <= TOP ? o.chunk + 1 : o.chunk, ...o.more];
            set.addEvery(Float64Array.from(chunks.flatMap((c) => [-1, c])), 1, 2);
            for (const c of chunks) model.add(c);
          } else if (o.kind === 'clear') {
            set.clear();
            model.clear();
          } else if (o.kind === 'delete') expect(set.delete(o.chunk)).toBe(model.delete(o.chunk));
          else expect(set.has(o.chunk)).toBe(model.has(o.chunk));
          expect(set.size).toBe(model.size);
        }
        expect([...set]).toEqual([...model].sort((a, b) => a - b));
        for (const c of [0, 31, 32, 2047, 2048, 2 ** 21, 2 ** 27 + 31, TOP]) expect(set.has(c)).toBe(model.has(c));
      }),
      { numRuns: 60 },
    );
  });

  it('gives a page back once, whether a delete or the next clear finds it empty', () => {
    const set = new ChunkSet();
    set.add(0);
    set.clear(); // chunk 0's page stays in place, empty: the next round may use it
    set.add(1);
    set.delete(1); // emptied by a delete: given back
    set.clear(); // so not given back again
    set.add(10 * 2048);
    set.add(20 * 2048); // two pages, two slots
    set.delete(10 * 2048);
    expect([...set]).toEqual([20 * 2048]);
    expect(set.has(20 * 2048)).toBe(true);
  });

  it('as the fresh set, moving on with the allocator commit after commit, holds the pages of the last rounds only', () => {
    const set = new ChunkSet();
    let cursor = 0;
    for (let commit = 0; commit < 20_000; commit++) {
      for (let k = 0; k < 5; k++) set.add(cursor++);
      set.clear();
    }
    expect(heldBytes(set)).toBeLessThan(32 * 1024);
  });

  it('holds chunks at the top of the format in KiB, not the 512 MiB a bitmap up to its highest chunk takes', () => {
    const set = new ChunkSet();
    set.add(0);
    for (let c = TOP - 4095; c <= TOP; c++) set.add(c);
    expect(set.size).toBe(4097);
    expect(heldBytes(set)).toBeLessThan(64 * 1024);
  });

  it('grows with the chunks it holds: 2^20 chunks take about their bits (128 KiB), and an emptied page is reused', () => {
    const span = 2 ** 20;
    const set = new ChunkSet();
    for (let c = TOP - span + 1; c <= TOP; c++) set.add(c);
    expect(set.size).toBe(span);
    const held = heldBytes(set);
    expect(held).toBeGreaterThanOrEqual(span / 8);
    expect(held).toBeLessThan(2.5 * (span / 8));
    for (let c = TOP - span + 1; c <= TOP; c++) set.delete(c);
    expect(set.size).toBe(0);
    for (let c = 2 ** 31; c < 2 ** 31 + span; c++) set.add(c);
    expect(heldBytes(set)).toBe(held); // the pools did not grow
    expect([...set].length).toBe(span);
  });
});
