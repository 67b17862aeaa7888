import type { CallArgs } from '../../src-core/api/contract.ts';
import type { ExceptionRowDto, ExceptionTableResult } from '../../src-core/api/dto.ts';
import type { PersistentStore } from '../../src-core/persistent/index.ts';
import { keyHistogram, selectRanks, type KeyHistogram } from './rank-select.ts';
import { keyRange, lowerBound, nextTurn, orderBy, orderByChunked, type KeyRange } from './sort-order.ts';

type Query = Omit<CallArgs<'exceptionTable'>, 'session'>;

/**
 * The orderings of one generation of a persistent table (StoreSession.tableOrders gives a new one
 * after every change): by origin, sorted in slices on first use, and the last origin-range
 * filter, so each further page of the same query costs O(page). While the sort by origin runs,
 * pages are answered by selection (rank-select.ts), so a new sort shows its first rows without
 * waiting for the whole order.
 */
export class TableOrders {
  byOrigin: Uint32Array | null = null;
  filtered: { key: string; entries: Uint32Array } | null = null;
  private sorting: Promise<Uint32Array | null> | null = null;
  private range: KeyRange | null = null;
  private histogram: KeyHistogram | null = null;

  /** `stale` says the table changed since this generation began (a sort in progress gives up). */
  constructor(private readonly stale: () => boolean) {}

  /**
   * The sort by origin, started once, at the next turn (the page that starts it is answered
   * first); null when the table changed meanwhile.
   */
  sortByOrigin(origin: Float64Array): Promise<Uint32Array | null> {
    this.sorting ??= nextTurn()
      .then(() => (this.stale() ? null : orderByChunked(origin, this.stale, this.originRange(origin))))
      .then((order) => (this.byOrigin = order));
    return this.sorting;
  }

  /** The origins' histogram for the filter [from, to] (the last one asked is kept). */
  originHistogram(origin: Float64Array, from: number, to: number): KeyHistogram {
    if (this.histogram?.from !== from || this.histogram.to !== to) this.histogram = keyHistogram(origin, this.originRange(origin), from, to);
    return this.histogram;
  }

  private originRange(origin: Float64Array): KeyRange {
    return (this.range ??= keyRange(origin));
  }
}

/**
 * One page of the persistent exception table, filtered by origin range [originFrom, originTo] and
 * sorted. `byChunk` gives the entries by COW chunk (the exception index's; only that sort waits for it).
 */
export async function exceptionPage(store: PersistentStore, orders: TableOrders, q: Query, byChunk: () => Promise<Uint32Array>): Promise<ExceptionTableResult> {
  const t = store.tableView();
  const total = t.oldChunk.length;
  const from = q.originFrom ?? 0;
  const to = q.originTo ?? Infinity;
  const rowOf = (entry: number): ExceptionRowDto => ({ entry, area: Math.floor(entry / store.geometry.exceptionsPerArea), origin: t.oldChunk[entry]!, chunk: t.newChunk[entry]! });

  // The matched entries as positions [lo, hi) of an ordering (null: entry order itself).
  let order: Uint32Array | null;
  let lo = 0;
  let hi = total;
  if (q.sort === 'origin') {
    if (!orders.byOrigin) {
      const sorting = orders.sortByOrigin(t.oldChunk);
      const { offset, limit } = q;
      const page = selectRanks(t.oldChunk, orders.originHistogram(t.oldChunk, from, to), (m) => (q.descending ? [m - offset - limit, m - offset] : [offset, offset + limit]));
      if (page) {
        const entries = q.descending ? [...page.entries].reverse() : [...page.entries];
        return { total, matched: page.matched, offset, rows: entries.map(rowOf) };
      }
      await sorting;
    }
    // Null only when the table changed during the sort: this page orders the table as it is now.
    order = orders.byOrigin ?? orderBy(t.oldChunk);
    lo = lowerBound(order, t.oldChunk, from);
    hi = to === Infinity ? total : lowerBound(order, t.oldChunk, to + 1);
  } else {
    order = q.sort === 'chunk' ? await byChunk() : null;
    if (from > 0 || to !== Infinity) {
      const key = `${q.sort ?? 'entry'} ${from} ${to}`;
      if (orders.filtered?.key !== key) orders.filtered = { key, entries: filter(order, t.oldChunk, from, to) };
      order = orders.filtered.entries;
      hi = order.length;
    }
  }
  const matched = Math.max(0, hi - lo);
  const rows: ExceptionRowDto[] = [];
  const end = Math.min(matched, q.offset + q.limit);
  for (let k = q.offset; k < end; k++) {
    const at = q.descending ? hi - 1 - k : lo + k;
    rows.push(rowOf(order ? order[at]! : at));
  }
  return { total, matched, offset: q.offset, rows };
}

/** The entries of `order` (or entry order) whose origin is in [from, to], in that order. */
function filter(order: Uint32Array | null, origin: Float64Array, from: number, to: number): Uint32Array {
  const n = origin.length;
  const out = new Uint32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const e = order ? order[i]! : i;
    const o = origin[e]!;
    if (o >= from && o <= to) out[m++] = e;
  }
  return out.slice(0, m);
}
