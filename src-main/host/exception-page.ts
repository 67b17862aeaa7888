import type { CallArgs } from '../../src-core/api/contract.ts';
import type { ExceptionRowDto, ExceptionTableResult } from '../../src-core/api/dto.ts';
import type { PersistentStore } from '../../src-core/persistent/index.ts';
import type { ExceptionIndex } from './exception-index.ts';
import { lowerBound, orderByChunked } from './sort-order.ts';

type Query = Omit<CallArgs<'exceptionTable'>, 'session'>;

/**
 * The orderings of one generation of the table (the ExceptionIndex's: both are dropped when the
 * store changes): by origin (sorted here, on first use), by COW chunk (the index's), and the last
 * origin-range filter, so each further page of the same query costs O(page).
 */
interface Orders {
  byOrigin: Uint32Array | null;
  filtered: { key: string; entries: Uint32Array } | null;
}
const ordersOf = new WeakMap<ExceptionIndex, Orders>();

/** One page of the persistent exception table, filtered by origin range [originFrom, originTo] and sorted. */
export async function exceptionPage(store: PersistentStore, index: ExceptionIndex, q: Query): Promise<ExceptionTableResult> {
  const t = store.tableView();
  const total = t.oldChunk.length;
  const from = q.originFrom ?? 0;
  const to = q.originTo ?? Infinity;
  let orders = ordersOf.get(index);
  if (!orders) ordersOf.set(index, (orders = { byOrigin: null, filtered: null }));

  // The matched entries as positions [lo, hi) of an ordering (null: entry order itself).
  let order: Uint32Array | null;
  let lo = 0;
  let hi = total;
  if (q.sort === 'origin') {
    // Sorted in slices; the index (and with it these orders) is rebuilt if the table changes meanwhile.
    orders.byOrigin ??= (await orderByChunked(t.oldChunk, () => false))!;
    order = orders.byOrigin;
    lo = lowerBound(order, t.oldChunk, from);
    hi = to === Infinity ? total : lowerBound(order, t.oldChunk, to + 1);
  } else {
    order = q.sort === 'chunk' ? index.byChunk : null;
    if (from > 0 || to !== Infinity) {
      const key = `${q.sort ?? 'entry'} ${from} ${to}`;
      if (orders.filtered?.key !== key) orders.filtered = { key, entries: filter(order, t.oldChunk, from, to) };
      order = orders.filtered.entries;
      hi = order.length;
    }
  }
  const matched = Math.max(0, hi - lo);
  const epa = store.geometry.exceptionsPerArea;
  const rows: ExceptionRowDto[] = [];
  const end = Math.min(matched, q.offset + q.limit);
  for (let k = q.offset; k < end; k++) {
    const at = q.descending ? hi - 1 - k : lo + k;
    const entry = order ? order[at]! : at;
    rows.push({ entry, area: Math.floor(entry / epa), origin: t.oldChunk[entry]!, chunk: t.newChunk[entry]! });
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
