import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../src-core/io/memory-device.ts';
import { PersistentStore } from '../../src-core/persistent/index.ts';
import { ExceptionIndex } from '../../src-main/host/exception-index.ts';
import { exceptionPage } from '../../src-main/host/exception-page.ts';
import { orderBy } from '../../src-main/host/sort-order.ts';

const CHUNK = 512;

describe('orderBy (radix)', () => {
  it('orders like a comparator sort, ties by entry, for keys under 2^16, under 2^32 and beyond', () => {
    const keys = (max: number) => fc.array(fc.integer({ min: 0, max }), { maxLength: 300 });
    fc.assert(
      fc.property(fc.oneof(keys(40), keys(2 ** 32 - 1), keys(2 ** 40)), (list) => {
        const key = Float64Array.from(list);
        const want = [...list.keys()].sort((a, b) => key[a]! - key[b]! || a - b);
        expect([...orderBy(key)]).toEqual(want);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});

describe('persistent exception table pages', () => {
  it('every page of every sort, direction and origin filter equals the same slice of the whole table sorted naively', async () => {
    const origins = fc.uniqueArray(fc.nat(3000), { minLength: 1, maxLength: 150 });
    const query = fc.record({
      sort: fc.constantFrom(undefined, 'entry' as const, 'origin' as const, 'chunk' as const),
      descending: fc.boolean(),
      offset: fc.nat(160),
      limit: fc.integer({ min: 0, max: 60 }),
      from: fc.option(fc.nat(3000), { nil: undefined }),
      span: fc.option(fc.nat(2000), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(origins, fc.array(query, { minLength: 1, maxLength: 6 }), async (list, queries) => {
        const store = PersistentStore.format(new MemoryDevice(CHUNK * 4096, 'cow'), { chunkBytes: CHUNK });
        const origin = new MemoryDevice(CHUNK * 3001, 'origin');
        for (const o of list) store.writeOrigin(origin, o, new Uint8Array(1), 0);
        const index = await ExceptionIndex.build(store);
        const table = store.exceptionTable();
        const all = [...table.oldChunk.keys()].map((entry) => ({ entry, area: table.area[entry]!, origin: table.oldChunk[entry]!, chunk: table.newChunk[entry]! }));
        for (const q of queries) {
          const originFrom = q.from;
          const originTo = q.from !== undefined && q.span !== undefined ? q.from + q.span : undefined;
          let rows = all.filter((r) => r.origin >= (originFrom ?? 0) && r.origin <= (originTo ?? Infinity));
          if (q.sort === 'origin' || q.sort === 'chunk') rows.sort((a, b) => a[q.sort as 'origin' | 'chunk'] - b[q.sort as 'origin' | 'chunk']);
          if (q.descending) rows = rows.reverse();
          const page = await exceptionPage(store, index, { offset: q.offset, limit: q.limit, descending: q.descending, ...(q.sort ? { sort: q.sort } : {}), ...(originFrom !== undefined ? { originFrom } : {}), ...(originTo !== undefined ? { originTo } : {}) });
          expect(page).toEqual({ total: all.length, matched: rows.length, offset: q.offset, rows: rows.slice(q.offset, q.offset + q.limit) });
        }
        for (const r of all) expect(index.find(r.chunk)).toEqual({ origin: r.origin, slots: [0], entry: r.entry });
      }),
      { numRuns: 60, seed: 11 },
    );
  });
});
