import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkSet } from '../../../src-core/shared/txn/chunk-set.ts';

// Word edges, a grown bitmap, and a chunk past 2^27 (a 16 MiB bitmap: the size scales with the chunk).
const chunk = fc.oneof(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 4000, max: 4200 }), fc.constant(2 ** 27 + 31));
const op = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constantFrom('add' as const, 'delete' as const, 'has' as const), chunk }), weight: 40 },
  { arbitrary: fc.record({ kind: fc.constant('clear' as const), chunk }), weight: 1 },
);

describe('ChunkSet (chunk roles, fresh chunks)', () => {
  it('agrees with a Set through adds, deletes, growth and clears (listed or swept), and iterates in chunk order', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 50, maxLength: 600 }), (ops) => {
        const set = new ChunkSet();
        const model = new Set<number>();
        for (const o of ops) {
          if (o.kind === 'add') {
            set.add(o.chunk);
            model.add(o.chunk);
          } else if (o.kind === 'clear') {
            set.clear();
            model.clear();
          } else if (o.kind === 'delete') expect(set.delete(o.chunk)).toBe(model.delete(o.chunk));
          else expect(set.has(o.chunk)).toBe(model.has(o.chunk));
          expect(set.size).toBe(model.size);
        }
        expect([...set]).toEqual([...model].sort((a, b) => a - b));
        for (const c of [0, 31, 32, 4100, 2 ** 27 + 31]) expect(set.has(c)).toBe(model.has(c));
      }),
      { numRuns: 60 },
    );
  });
});
