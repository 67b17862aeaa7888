import type { KeyRange } from './sort-order.ts';

/**
 * One page of an ordering without the ordering: the entries of ranks [start, end) among those
 * whose key is in [from, to], by (key, entry), found in two reads of the keys (a histogram of
 * their top 16 bits, then the entries of the few buckets that hold those ranks). A big table's
 * first pages of a new sort are answered so while the full radix sort (sort-order.ts) runs in
 * slices: two reads of 10M keys instead of a sort of them.
 */
const BUCKETS = 1 << 16;
/** More candidates than this (keys crowded into a few buckets): selection saves little over the sort. */
const MAX_CANDIDATES = 1 << 18;

export interface RankPage {
  /** Entries whose key is in [from, to]. */
  matched: number;
  /** The entries of the asked ranks (clipped to [0, matched)), ascending. */
  entries: Uint32Array;
}

/**
 * `ranks` maps the matched count to the ascending ranks [start, end) wanted. Null when the ranks
 * fall among more than MAX_CANDIDATES entries of equal top bits: wait for the sort then.
 */
export function selectRanks(key: Float64Array, range: KeyRange, from: number, to: number, ranks: (matched: number) => [number, number]): RankPage | null {
  const low = Math.max(range.min, from);
  const high = Math.min(range.max, to);
  if (!(low <= high)) return { matched: 0, entries: new Uint32Array(0) };
  // Keys to buckets monotonically: the same expression in both reads, so a key's bucket is one.
  const scale = Math.max(1, (high - low + 1) / BUCKETS);
  const counts = new Uint32Array(BUCKETS);
  let matched = 0;
  for (let i = 0; i < key.length; i++) {
    const k = key[i]!;
    if (k >= low && k <= high) {
      counts[Math.min(BUCKETS - 1, Math.floor((k - low) / scale))]!++;
      matched++;
    }
  }
  const [wantStart, wantEnd] = ranks(matched);
  const start = Math.max(0, wantStart);
  const end = Math.min(matched, wantEnd);
  if (start >= end) return { matched, entries: new Uint32Array(0) };
  // The buckets holding ranks start and end - 1, and the rank of the first one's first entry.
  let first = 0;
  let before = 0;
  while (before + counts[first]! <= start) before += counts[first++]!;
  let last = first;
  let through = before + counts[first]!;
  while (through < end) through += counts[++last]!;
  if (through - before > MAX_CANDIDATES) return null;
  const candidates = new Uint32Array(through - before);
  let n = 0;
  for (let i = 0; i < key.length; i++) {
    const k = key[i]!;
    if (k < low || k > high) continue;
    const b = Math.min(BUCKETS - 1, Math.floor((k - low) / scale));
    if (b >= first && b <= last) candidates[n++] = i;
  }
  candidates.sort((a, b) => key[a]! - key[b]! || a - b);
  return { matched, entries: candidates.subarray(start - before, end - before) };
}
