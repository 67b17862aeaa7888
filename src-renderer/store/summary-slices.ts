import type { OccupancyResult } from '../../src-core/api/contract.ts';

/**
 * Chunks per call of the summary's owners pass. The host answers a session's calls one after
 * another and the pass reads every exception in its range: over a whole big store it held the
 * engine thread 0.3–0.6 s, and a lookup or a leaf asked meanwhile waited that long. Calls of this
 * many chunks let such a request in between.
 */
export const SUMMARY_SLICE_CHUNKS = 1 << 17;

type Range = { start: number; end: number; buckets: number };

/**
 * The whole device [0, total) in `buckets` buckets with who reads the data, asked a slice at a time
 * and joined: the same result as one call over all of it. Null when `stop` says the answer is no
 * longer wanted (checked between slices).
 */
export async function summaryInSlices(ask: (r: Range) => Promise<OccupancyResult>, total: number, buckets: number, stop: () => boolean, sliceChunks = SUMMARY_SLICE_CHUNKS): Promise<OccupancyResult | null> {
  // The host's bucketing: `per` chunks each, the last one holding what is left.
  const per = Math.ceil(total / buckets);
  const n = Math.ceil(total / per);
  const parts: { first: number; result: OccupancyResult }[] = [];
  for (const [b0, b1] of slices(total, per, n, Math.max(1, Math.floor(sliceChunks / per)))) {
    if (parts.length > 0 && stop()) return null;
    parts.push({ first: b0, result: await ask({ start: b0 * per, end: Math.min(total, b1 * per), buckets: b1 - b0 }) });
  }
  return parts.length === 1 ? parts[0]!.result : join(parts, total, per, n);
}

/**
 * Bucket ranges [b0, b1) of at most `step` buckets. Every range but the last spans whole buckets,
 * so the host cuts it as the whole pass would; the last is split off the range before it when the
 * host would share its chunks out into narrower buckets.
 */
function slices(total: number, per: number, n: number, step: number): [number, number][] {
  const out: [number, number][] = [];
  for (let b0 = 0; b0 < n; b0 += step) {
    const b1 = Math.min(n, b0 + step);
    if (b1 === n && b1 - b0 > 1 && Math.ceil((total - b0 * per) / (b1 - b0)) !== per) out.push([b0, n - 1], [n - 1, n]);
    else out.push([b0, b1]);
  }
  return out;
}

function join(parts: { first: number; result: OccupancyResult }[], total: number, per: number, n: number): OccupancyResult {
  const counts: Record<string, number[]> = {};
  const slots = new Map<number, number[]>();
  const shared = new Array<number>(n).fill(0);
  let owners = false;
  for (const { first, result } of parts) {
    for (const [role, column] of Object.entries(result.counts)) copy(column, (counts[role] ??= new Array<number>(n).fill(0)), first);
    if (!result.owners) continue;
    owners = true;
    copy(result.owners.shared, shared, first);
    for (const { slot, counts: c } of result.owners.slots) copy(c, slots.get(slot) ?? slots.set(slot, new Array<number>(n).fill(0)).get(slot)!, first);
  }
  const joined: OccupancyResult = { start: 0, end: total, buckets: n, chunksPerBucket: per, counts };
  if (owners) joined.owners = { slots: [...slots].sort(([a], [b]) => a - b).map(([slot, c]) => ({ slot, counts: c })), shared };
  return joined;
}

function copy(from: readonly number[] | undefined, to: number[], at: number): void {
  from?.forEach((x, i) => (to[at + i] = x));
}
