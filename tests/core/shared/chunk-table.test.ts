import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkTable } from '../../../src-core/shared/txn/chunk-table.ts';

// Keys from a few narrow bands (many share a home slot) and above 2^31 (negative as int32).
const chunk = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 2 ** 31 - 20, max: 2 ** 31 + 20 }), fc.integer({ min: 0, max: 2 ** 32 - 2 }));
const op = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('set' as const), chunk, value: fc.integer() }), weight: 30 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), chunk }), weight: 20 },
  { arbitrary: fc.record({ kind: fc.constant('deleteAt' as const), slot: fc.nat() }), weight: 10 },
  { arbitrary: fc.record({ kind: fc.constant('clear' as const) }), weight: 1 },
);

describe('ChunkTable (block cache index)', () => {
  it('agrees with a Map through sets, deletes, slot deletes, growth and clears', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 200, maxLength: 1500 }), (ops) => {
        const table = new ChunkTable<number>();
        const model = new Map<number, number>();
        for (const o of ops) {
          if (o.kind === 'set') {
            table.set(o.chunk, o.value);
            model.set(o.chunk, o.value);
          } else if (o.kind === 'delete') {
            expect(table.delete(o.chunk)).toBe(model.get(o.chunk));
            model.delete(o.chunk);
          } else if (o.kind === 'clear') {
            table.clear();
            model.clear();
          } else {
            const slot = o.slot % table.slots;
            const value = table.valueAt(slot);
            if (value === undefined) continue;
            // The removed entry is the one key of the model the table no longer finds.
            table.deleteAt(slot);
            const gone = [...model.keys()].filter((k) => table.get(k) === undefined);
            expect(gone.length).toBe(1);
            expect(model.get(gone[0]!)).toBe(value);
            model.delete(gone[0]!);
          }
          expect(table.size).toBe(model.size);
        }
        for (const [k, v] of model) expect(table.get(k)).toBe(v);
        let found = 0;
        for (let s = 0; s < table.slots; s++) if (table.valueAt(s) !== undefined) found++;
        expect(found).toBe(model.size);
      }),
      { numRuns: 100 },
    );
  });
});
