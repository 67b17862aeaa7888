import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkSet } from '../../../src-core/shared/txn/chunk-set.ts';

// Word edges, a grown bitmap, and a chunk past 2^27 (a 16 MiB bitmap: the size scales with the chunk).
const chunk = fc.oneof(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 4000, max: 4200 }), fc.constant(2 ** 27 + 31));
const op = fc.record({ kind: fc.constantFrom('add' as const, 'add' as const, 'delete' as const, 'has' as const), chunk });

describe('ChunkSet (chunk roles)', () => {
  it('agrees with a Set through adds, deletes and growth, and iterates in chunk order', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 50, maxLength: 600 }), (ops) => {
        const set = new ChunkSet();
        const model = new Set<number>();
        for (const o of ops) {
          if (o.kind === 'add') {
            set.add(o.chunk);
            model.add(o.chunk);
          } else if (o.kind === 'delete') expect(set.delete(o.chunk)).toBe(model.delete(o.chunk));
          else expect(set.has(o.chunk)).toBe(model.has(o.chunk));
          expect(set.size).toBe(model.size);
        }
        expect([...set]).toEqual([...model].sort((a, b) => a - b));
      }),
      { numRuns: 60 },
    );
  });
});
