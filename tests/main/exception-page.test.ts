import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../src-core/io/memory-device.ts';
import { PersistentStore } from '../../src-core/persistent/index.ts';
import { ExceptionIndex } from '../../src-main/host/exception-index.ts';
import { exceptionPage, TableOrders } from '../../src-main/host/exception-page.ts';
import { keyHistogram, selectRanks } from '../../src-main/host/rank-select.ts';
import { keyRange, orderBy } from '../../src-main/host/sort-order.ts';

const CHUNK = 512;

describe('orderBy (radix)', () => {
  it('orders like a comparator sort, ties by entry, for keys under 2^16, under 2^32, far from 0, with a constant digit, and beyond', () => {
    const keys = (max: number, min = 0) => fc.array(fc.integer({ min, max }), { maxLength: 300 });
    const lowDigitZero = keys(3000).map((list) => list.map((k) => k * 256));
    fc.assert(
      fc.property(fc.oneof(keys(40), keys(2 ** 32 - 1), keys(2 ** 33 + 70_000, 2 ** 33), lowDigitZero, keys(2 ** 40)), (list) => {
        const key = Float64Array.from(list);
        const want = [...list.keys()].sort((a, b) => key[a]! - key[b]! || a - b);
        expect([...orderBy(key)]).toEqual(want);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});

describe('selectRanks', () => {
  it('gives the ranks asked of the keys in range, as a full sort does, keys crowded or spread', () => {
    const keys = (max: number) => fc.array(fc.integer({ min: 0, max }), { minLength: 1, maxLength: 400 });
    fc.assert(
      fc.property(fc.oneof(keys(3), keys(100_000), keys(2 ** 40)), fc.nat(2 ** 40), fc.option(fc.nat(2 ** 40), { nil: undefined }), fc.nat(450), fc.nat(80), (list, from, span, start, count) => {
        const key = Float64Array.from(list);
        const to = span === undefined ? Infinity : from + span;
        const sorted = [...list.keys()].filter((e) => key[e]! >= from && key[e]! <= to).sort((a, b) => key[a]! - key[b]! || a - b);
        const page = selectRanks(key, keyHistogram(key, keyRange(key), from, to), () => [start, start + count]);
        expect(page && { matched: page.matched, entries: [...page.entries] }).toEqual({ matched: sorted.length, entries: sorted.slice(start, start + count) });
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});

describe('persistent exception table pages', () => {
  it('a new sort by origin answers its first pages before the whole order is built, and they equal the order', async () => {
    const n = 5000;
    const store = PersistentStore.format(new MemoryDevice(CHUNK * 16384, 'cow'), { chunkBytes: CHUNK });
    const origin = new MemoryDevice(CHUNK * n, 'origin');
    for (let i = 0; i < n; i++) store.writeOrigin(origin, (i * 7919) % n, new Uint8Array(1), 0);
    const orders = new TableOrders(() => false);
    const noIndex = (): Promise<Uint32Array> => Promise.reject(new Error('only the chunk sort needs the index'));
    const asked = [
      { offset: 0, limit: 50, sort: 'origin' as const, descending: false },
      { offset: 0, limit: 50, sort: 'origin' as const, descending: true },
      { offset: n - 30, limit: 50, sort: 'origin' as const, descending: false },
      { offset: 100, limit: 50, sort: 'origin' as const, descending: false, originFrom: 1000, originTo: 1999 },
    ];
    const early = [];
    for (const q of asked) early.push(await exceptionPage(store, orders, q, noIndex));
    expect(orders.byOrigin).toBeNull(); // all answered by selection, the sort still running
    const order = await orders.sortByOrigin(store.tableView().oldChunk);
    expect(order).not.toBeNull();
    for (const [i, q] of asked.entries()) expect(await exceptionPage(store, orders, q, noIndex)).toEqual(early[i]);
    expect(early[0]!.rows.map((r) => r.origin)).toEqual([...Array(50).keys()]);
    expect(early[1]!.rows.map((r) => r.origin)).toEqual([...Array(50).keys()].map((k) => n - 1 - k));
    expect(early[3]).toMatchObject({ matched: 1000, offset: 100 });
    expect(early[3]!.rows.map((r) => r.origin)).toEqual([...Array(50).keys()].map((k) => 1100 + k));
  });


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
        const orders = new TableOrders(() => false);
        const table = store.exceptionTable();
        const all = [...table.oldChunk.keys()].map((entry) => ({ entry, area: table.area[entry]!, origin: table.oldChunk[entry]!, chunk: table.newChunk[entry]! }));
        for (const q of queries) {
          const originFrom = q.from;
          const originTo = q.from !== undefined && q.span !== undefined ? q.from + q.span : undefined;
          let rows = all.filter((r) => r.origin >= (originFrom ?? 0) && r.origin <= (originTo ?? Infinity));
          if (q.sort === 'origin' || q.sort === 'chunk') rows.sort((a, b) => a[q.sort as 'origin' | 'chunk'] - b[q.sort as 'origin' | 'chunk']);
          if (q.descending) rows = rows.reverse();
          const page = await exceptionPage(store, orders, { offset: q.offset, limit: q.limit, descending: q.descending, ...(q.sort ? { sort: q.sort } : {}), ...(originFrom !== undefined ? { originFrom } : {}), ...(originTo !== undefined ? { originTo } : {}) }, () => Promise.resolve(index.byChunk));
          expect(page).toEqual({ total: all.length, matched: rows.length, offset: q.offset, rows: rows.slice(q.offset, q.offset + q.limit) });
        }
        for (const r of all) expect(index.find(r.chunk)).toEqual({ origin: r.origin, slots: [0], entry: r.entry });
      }),
      { numRuns: 60, seed: 11 },
    );
  });
});

describe('ExceptionIndex.owners of a persistent store', () => {
  it('counts per bucket what a read of every exception counts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.nat(3000), { minLength: 0, maxLength: 200 }), fc.nat(4200), fc.integer({ min: 1, max: 4200 }), fc.integer({ min: 1, max: 300 }), async (list, a, span, wanted) => {
        const store = PersistentStore.format(new MemoryDevice(CHUNK * 4096, 'cow'), { chunkBytes: CHUNK });
        const origin = new MemoryDevice(CHUNK * 3001, 'origin');
        for (const o of list) store.writeOrigin(origin, o, new Uint8Array(1), 0);
        const start = Math.min(a, store.chunkCount - 1);
        const end = Math.min(store.chunkCount, start + span);
        const per = Math.ceil((end - start) / wanted);
        const buckets = Math.ceil((end - start) / per);
        const counts = new Array<number>(buckets).fill(0);
        for (const c of store.tableView().newChunk) if (c >= start && c < end) counts[Math.floor((c - start) / per)]!++;
        const index = await ExceptionIndex.build(store);
        const total = counts.reduce((x, y) => x + y, 0);
        expect(index.owners(start, end, per, buckets)).toEqual({ slots: total > 0 ? [{ slot: 0, counts }] : [], shared: new Array(buckets).fill(0) });
      }),
      { numRuns: 100, seed: 3 },
    );
  });
});
