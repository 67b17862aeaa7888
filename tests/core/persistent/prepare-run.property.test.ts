/**
 * prepareRun (persistent_prepare_merge) against a plain reference: the run ending at the cursor's
 * last entry, within its area, with old and new chunks both consecutive. A table in allocation
 * order (no new_chunk array) takes a shorter loop that checks the old chunks alone; it must give
 * the same runs as the same table with its new chunks spelled out, and any table the reference's.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ExceptionTable } from '../../../src-core/persistent/exception-table.ts';
import { Geometry } from '../../../src-core/persistent/format.ts';
import { prepareRun, type MergeRun } from '../../../src-core/persistent/merge.ts';

const geo = new Geometry(1); // 32 entries an area

function reference(old: ArrayLike<number>, news: ArrayLike<number>, cursor: number): MergeRun {
  const last = cursor - 1;
  const areaStart = last - (last % geo.exceptionsPerArea);
  let n = 1;
  while (last - n >= areaStart && old[last - n] === old[last]! - n && news[last - n] === news[last]! - n) n++;
  return { entry: cursor - n, oldChunk: old[last]! - n + 1, newChunk: news[last]! - n + 1, count: n };
}

/** Every run from the end down, as a merge takes them. */
function runs(table: ExceptionTable): MergeRun[] {
  const out: MergeRun[] = [];
  for (let cursor = table.count; cursor > 0; cursor = out.at(-1)!.entry) out.push(prepareRun(table, cursor, geo.exceptionsPerArea));
  return out;
}

// Old chunks in stretches that run on for a while and then jump, so runs are long, short and cut by areas.
const olds = fc.array(fc.tuple(fc.nat(1000), fc.integer({ min: 1, max: 40 })), { minLength: 1, maxLength: 12 }).map((parts) => parts.flatMap(([start, n]) => Array.from({ length: n }, (_, i) => start + i)));

it('in allocation order: the same runs as the table with its new chunks spelled out, and as the reference', () => {
  fc.assert(
    fc.property(olds, (old) => {
      const count = old.length;
      const news = Float64Array.from({ length: count }, (_, i) => geo.allocatedChunk(i));
      const implicit = ExceptionTable.adopt(Float64Array.from(old), null, count, geo);
      const spelled = ExceptionTable.adopt(Float64Array.from(old), news, count, geo);
      expect(implicit.inAllocationOrder()).toBe(true);
      const got = runs(implicit);
      expect(got).toEqual(runs(spelled));
      let cursor = count;
      for (const run of got) {
        expect(run).toEqual(reference(old, news, cursor));
        cursor = run.entry;
      }
    }),
    { numRuns: 300 },
  );
});

it('with new chunks out of allocation order: the reference runs', () => {
  fc.assert(
    fc.property(olds, fc.array(fc.nat(3), { minLength: 500, maxLength: 500 }), (old, jumps) => {
      const count = old.length;
      // Mostly consecutive new chunks with some steps of 0, 2 or 3 that break runs.
      const news = new Float64Array(count);
      for (let i = 0, c = 5000; i < count; i++, c += jumps[i % jumps.length] === 0 ? 2 : 1) news[i] = c;
      const table = ExceptionTable.adopt(Uint32Array.from(old), news, count, geo);
      let cursor = count;
      for (const run of runs(table)) {
        expect(run).toEqual(reference(old, news, cursor));
        cursor = run.entry;
      }
    }),
    { numRuns: 300 },
  );
});
