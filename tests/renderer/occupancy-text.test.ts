import { expect, it } from 'vitest';
import type { OccupancyResult } from '../../src-core/api/contract.ts';
import { OccupancySummary } from '../../src-renderer/viz/occupancy-summary.ts';
import { describeCell, describeRange } from '../../src-renderer/viz/occupancy-text.ts';

/** 16 chunks, one a bucket: header, bitmap, 6 copies slot 0 reads, 2 shared, 1 leaked, 6 free. */
function store(withOwners: boolean): OccupancyResult {
  const roles = 'hbeeeeeeeeefffff'.split('');
  const count = (r: string): number[] => roles.map((x) => (x === r ? 1 : 0));
  const owned = [2, 3, 4, 5, 6, 7];
  const shared = [8, 9];
  return {
    start: 0,
    end: 16,
    buckets: 16,
    chunksPerBucket: 1,
    counts: { header: count('h'), bitmap: count('b'), exception: count('e'), free: count('f') },
    ...(withOwners ? { owners: { slots: [{ slot: 0, counts: roles.map((_, c) => (owned.includes(c) ? 1 : 0)) }], shared: roles.map((_, c) => (shared.includes(c) ? 1 : 0)) } } : {}),
  };
}

it('says what a range holds: used, free, leaked, its runs by cell, where the leaks are; and what one cell holds', () => {
  const summary = new OccupancySummary(store(true));
  // Cells of two chunks: 0–9 used, 10–11 partly (the leak and a free chunk), 12–15 free.
  const text = describeRange(summary, { start: 0, span: 16, per: 2, cells: 8 });
  expect(text).toBe('11 used, 5 free, 1 leaked. 3 runs: chunks 0–9 used, chunks 10–11 partly used, chunks 12–15 free; leaked: chunk 10.');
  expect(describeCell(summary, 10, 11, () => 'base')).toBe('Chunk 10: leaked (referenced by nothing)');
  expect(describeCell(summary, 2, 4, () => 'base')).toBe('Chunks 2–3: only base 2');
  // A persistent store (no bitmap) cannot leak: nothing is said of leaks.
  expect(describeRange(summary, { start: 0, span: 16, per: 16, cells: 1 }, false)).toBe('11 used, 5 free. 1 run: chunks 0–15 partly used.');
  // Before the owners are loaded nothing is called leaked: unattributed data may be anyone's.
  expect(describeRange(new OccupancySummary(store(false)), { start: 0, span: 16, per: 16, cells: 1 })).toBe('11 used, 5 free. 1 run: chunks 0–15 partly used.');
});
