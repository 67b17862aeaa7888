import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachRepeat } from '../../../src-core/persistent/exception-table.ts';

/** The model: indexes whose value an earlier index holds (negative values skipped). */
function repeats(values: number[]): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  values.forEach((v, i) => {
    if (v < 0) return;
    if (seen.has(v)) out.push(i);
    seen.add(v);
  });
  return out;
}

describe('forEachRepeat (duplicate old_chunks in a persistent table)', () => {
  it('finds every later repeat, in order, with small values (bitmap) and huge ones (hash)', () => {
    const value = fc.oneof(fc.integer({ min: -1, max: 50 }), fc.integer({ min: 2 ** 40, max: 2 ** 40 + 30 }), fc.integer({ min: 0, max: 2 ** 53 - 1 }));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 300 }), (values) => {
        const got: number[] = [];
        forEachRepeat(Float64Array.from(values), (i) => got.push(i));
        expect(got).toEqual(repeats(values));
      }),
      { numRuns: 300 },
    );
  });
});
