/**
 * The allocation map of a table in allocation order is counted per bucket from the allocator's
 * rule (no array of new_chunks built); it must equal the count entry by entry over the same chunks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExceptionTable } from '../../../src-core/persistent/exception-table.ts';
import { Geometry } from '../../../src-core/persistent/format.ts';
import { chunkOccupancy } from '../../../src-core/persistent/occupancy.ts';

describe('persistent occupancy of a table in allocation order', () => {
  it('counts per bucket what the entries hold, for any range and bucket count', () => {
    const GEO = new Geometry(1); // 32 entries per area, stride 33
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 64 }), (count, a, b, buckets) => {
        const chunkCount = 420;
        const [start, end] = a < b ? [a, b] : b < a ? [b, a] : [a, a + 1];
        const olds = Float64Array.from({ length: Math.max(16, count) }, (_, i) => i);
        const news = Float64Array.from({ length: olds.length }, (_, i) => GEO.allocatedChunk(i));
        const currentArea = Math.floor(count / GEO.exceptionsPerArea);
        const implicit = ExceptionTable.adopt(olds, null, count, GEO);
        const explicit = ExceptionTable.adopt(olds, news, count, GEO);
        expect(implicit.inAllocationOrder()).toBe(true);
        const got = chunkOccupancy(GEO, { table: implicit, currentArea }, chunkCount, start, end, buckets);
        expect(got).toEqual(chunkOccupancy(GEO, { table: explicit, currentArea }, chunkCount, start, end, buckets));
        expect(implicit.inAllocationOrder()).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
