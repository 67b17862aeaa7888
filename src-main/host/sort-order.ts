/**
 * Orderings of big tables as permutations (Uint32Array of entry numbers): a radix sort over
 * integer keys, no comparator call and no object per entry.
 */

/** Entries 0..key.length-1 by ascending key, ties by entry number. Keys are non-negative integers. */
export function orderBy(key: Float64Array): Uint32Array {
  const steps = radixSteps(key);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Waits for the next turn of the event loop, so calls queued meanwhile are served. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Entries per slice of the chunked sort: a few ms of radix work. */
const SLICE = 1 << 19;
/** Digit width ceiling: 2^11 counters stay in L1, so the scatter's write streams stay few. */
const MAX_DIGIT_BITS = 11;

/**
 * orderBy in slices, yielding between them (a 10M sort would hold the engine thread for a
 * second); `stale` is asked at each yield and aborts the sort (null) when the keys changed.
 */
export async function orderByChunked(key: Float64Array, stale: () => boolean): Promise<Uint32Array | null> {
  const steps = radixSteps(key);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await nextTurn();
    if (stale()) return null;
  }
}

/**
 * LSD radix sort that carries each key with its entry, so every pass reads its input in order
 * (no random access into `key`): one pass copies the keys to 32 bits, counts every digit of every
 * pass at once and notices keys already in order (a persistent table's COW chunks usually are);
 * then one scatter per digit of at most 11 bits. Yields after each slice of SLICE entries.
 */
function* radixSteps(key: Float64Array): Generator<void, Uint32Array> {
  const n = key.length;
  let max = 0;
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const k = key[i]!;
    if (k > max) max = k;
    else if (k < max) sorted = false;
  }
  if (max >= 2 ** 32) return comparatorOrder(key);
  const identity = (): Uint32Array => {
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return out;
  };
  if (sorted) return identity();
  const bits = 32 - Math.clz32(max);
  const passes = Math.ceil(bits / MAX_DIGIT_BITS);
  const width = Math.ceil(bits / passes);
  const radix = 1 << width;
  const mask = radix - 1;
  let keys: Uint32Array = new Uint32Array(n);
  const counts = new Uint32Array(passes * radix);
  for (let from = 0; from < n; from += SLICE) {
    const to = Math.min(n, from + SLICE);
    for (let i = from; i < to; i++) {
      const k = key[i]! >>> 0;
      keys[i] = k;
      for (let p = 0, shift = 0; p < passes; p++, shift += width) counts[p * radix + ((k >>> shift) & mask)]!++;
    }
    yield;
  }
  let entries: Uint32Array | null = null;
  let keysOut: Uint32Array = new Uint32Array(n);
  let entriesOut: Uint32Array = new Uint32Array(n);
  for (let p = 0, shift = 0; p < passes; p++, shift += width) {
    // Counts to starting offsets, in place.
    let sum = 0;
    for (let d = p * radix; d < (p + 1) * radix; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    const base = p * radix;
    for (let from = 0; from < n; from += SLICE) {
      const to = Math.min(n, from + SLICE);
      for (let i = from; i < to; i++) {
        const k = keys[i]!;
        const at = counts[base + ((k >>> shift) & mask)]!++;
        keysOut[at] = k;
        entriesOut[at] = entries ? entries[i]! : i;
      }
      yield;
    }
    [keys, keysOut] = [keysOut, keys];
    const done: Uint32Array = entriesOut;
    entriesOut = entries ?? new Uint32Array(n);
    entries = done;
  }
  return entries!;
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
