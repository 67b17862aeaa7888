import type { CallArgs } from '../../src-core/api/contract.ts';
import type { ExceptionRowDto, ExceptionTableResult } from '../../src-core/api/dto.ts';
import type { PersistentStore } from '../../src-core/persistent/index.ts';

type Query = Omit<CallArgs<'exceptionTable'>, 'session'>;

/**
 * One page of the persistent exception table, filtered by origin range and sorted. Sorting works
 * on an index array (no object per exception), so a page of a 2M-entry table stays cheap.
 */
export function exceptionPage(store: PersistentStore, q: Query): ExceptionTableResult {
  const t = store.exceptionTable();
  const total = t.oldChunk.length;
  const from = q.originFrom ?? 0;
  const to = q.originTo ?? Infinity;
  let order = new Uint32Array(total);
  let n = 0;
  for (let i = 0; i < total; i++) if (t.oldChunk[i]! >= from && t.oldChunk[i]! <= to) order[n++] = i;
  order = order.subarray(0, n);
  const key = q.sort === 'origin' ? t.oldChunk : q.sort === 'chunk' ? t.newChunk : null;
  if (key) order.sort((a, b) => key[a]! - key[b]! || a - b);
  if (q.descending) order.reverse();
  const rows: ExceptionRowDto[] = [];
  for (const i of order.subarray(q.offset, q.offset + q.limit)) rows.push({ entry: i, area: t.area[i]!, origin: t.oldChunk[i]!, chunk: t.newChunk[i]! });
  return { total, matched: n, offset: q.offset, rows };
}
