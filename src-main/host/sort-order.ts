/**
 * Orderings of big tables as permutations (Uint32Array of entry numbers): a radix sort over
 * integer keys, no comparator call and no object per entry (10M entries sort in well under a second).
 */

/** Entries 0..key.length-1 by ascending key, ties by entry number. Keys are non-negative integers. */
export function orderBy(key: Float64Array): Uint32Array {
  const n = key.length;
  let max = 0;
  for (let i = 0; i < n; i++) if (key[i]! > max) max = key[i]!;
  if (max >= 2 ** 32) return comparatorOrder(key);
  let src = new Uint32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  if (max === 0) return src;
  let dst = new Uint32Array(n);
  const counts = new Uint32Array(65537);
  for (let shift = 0; shift < 32 && max / 2 ** shift >= 1; shift += 16) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[((key[src[i]!]! >>> shift) & 0xffff) + 1]!++;
    for (let d = 1; d <= 65536; d++) counts[d]! += counts[d - 1]!;
    for (let i = 0; i < n; i++) {
      const e = src[i]!;
      dst[counts[(key[e]! >>> shift) & 0xffff]!++] = e;
    }
    [src, dst] = [dst, src];
  }
  return src;
}

/** Waits for the next turn of the event loop, so calls queued meanwhile are served. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Entries per slice of the chunked sort: about 10 ms of radix work. */
const SLICE = 1 << 19;

/**
 * orderBy in slices, yielding between them (a 10M sort would hold the engine thread for a
 * second); `stale` is asked at each yield and aborts the sort (null) when the keys changed.
 */
export async function orderByChunked(key: Float64Array, stale: () => boolean): Promise<Uint32Array | null> {
  const n = key.length;
  if (n <= SLICE) return orderBy(key);
  let max = 0;
  for (let i = 0; i < n; i++) if (key[i]! > max) max = key[i]!;
  if (max >= 2 ** 32) return comparatorOrder(key);
  let src = new Uint32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  let dst = new Uint32Array(n);
  const counts = new Uint32Array(65537);
  for (let shift = 0; shift < 32 && max / 2 ** shift >= 1; shift += 16) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[((key[src[i]!]! >>> shift) & 0xffff) + 1]!++;
    for (let d = 1; d <= 65536; d++) counts[d]! += counts[d - 1]!;
    for (let from = 0; from < n; from += SLICE) {
      await nextTurn();
      if (stale()) return null;
      const to = Math.min(n, from + SLICE);
      for (let i = from; i < to; i++) {
        const e = src[i]!;
        dst[counts[(key[e]! >>> shift) & 0xffff]!++] = e;
      }
    }
    [src, dst] = [dst, src];
  }
  return src;
}

/** Keys past 32 bits (COWs of more than 2^32 chunks): the native sort. */
function comparatorOrder(key: Float64Array): Uint32Array {
  const order = new Uint32Array(key.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => key[a]! - key[b]! || a - b);
}

/** First position in `order` whose key is ≥ `value` (order ascends by key). */
export function lowerBound(order: Uint32Array, key: Float64Array, value: number): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key[order[mid]!]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
