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
/**
 * Digit width ceiling: 256 write streams per scatter. Measured on 10M keys of 24 bits (CPU time,
 * interleaved): three 8-bit passes 400–430 ms, two 12-bit passes 500–600 ms.
 */
const MAX_DIGIT_BITS = 8;

/**
 * orderBy in slices, yielding between them (a 10M sort would hold the engine thread for a
 * second); `stale` is asked at each yield and aborts the sort (null) when the keys changed.
 */
export async function orderByChunked(key: Float64Array, stale: () => boolean, range?: KeyRange): Promise<Uint32Array | null> {
  const steps = radixSteps(key, range);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await nextTurn();
    if (stale()) return null;
  }
}

/** Smallest and largest key, and whether the keys already ascend. */
export interface KeyRange {
  min: number;
  max: number;
  ascending: boolean;
}

export function keyRange(key: Float64Array): KeyRange {
  let min = Infinity;
  let max = -Infinity;
  let ascending = true;
  for (let i = 0; i < key.length; i++) {
    const k = key[i]!;
    if (k >= max) max = k;
    else ascending = false;
    if (k < min) min = k;
  }
  return { min, max, ascending };
}

/**
 * LSD radix sort of key - min (so a table of origins 5e9..5e9+10M sorts on 24 bits). One pass
 * counts every digit of every pass at once; a digit that every key shares is skipped. The first
 * scatter reads the float keys in order and carries 32-bit keys with their entries, so no pass
 * reads `key` at random; the last scatter writes entries only. Yields after each slice.
 */
function* radixSteps(key: Float64Array, range = keyRange(key)): Generator<void, Uint32Array> {
  const n = key.length;
  const { min, max, ascending } = range;
  if (ascending) return identity(n);
  if (max - min >= 2 ** 32) return comparatorOrder(key);
  const bits = 32 - Math.clz32(max - min);
  const passes = Math.ceil(bits / MAX_DIGIT_BITS);
  const width = Math.ceil(bits / passes);
  const radix = 1 << width;
  const mask = radix - 1;
  const counts = new Uint32Array(passes * radix);
  for (let from = 0; from < n; from += SLICE) {
    const to = Math.min(n, from + SLICE);
    for (let i = from; i < to; i++) {
      const k = key[i]! - min;
      for (let p = 0, shift = 0; p < passes; p++, shift += width) counts[p * radix + ((k >>> shift) & mask)]!++;
    }
    yield;
  }
  // The passes whose digit varies, each with its counts turned into starting offsets.
  const shifts: number[] = [];
  for (let p = 0; p < passes; p++) {
    let sum = 0;
    let constant = false;
    for (let d = p * radix; d < (p + 1) * radix; d++) {
      const c = counts[d]!;
      if (c === n) constant = true;
      counts[d] = sum;
      sum += c;
    }
    if (!constant) shifts.push(p * width);
  }
  let keys: Uint32Array | null = null;
  let entries: Uint32Array | null = null;
  let keysOut: Uint32Array | null = null;
  let entriesOut: Uint32Array = new Uint32Array(n);
  for (let s = 0; s < shifts.length; s++) {
    const shift = shifts[s]!;
    const base = (shift / width) * radix;
    const last = s === shifts.length - 1;
    if (!last) keysOut ??= new Uint32Array(n);
    for (let from = 0; from < n; from += SLICE) {
      const to = Math.min(n, from + SLICE);
      if (!keys) {
        // First pass: from the float keys, entries in order.
        for (let i = from; i < to; i++) {
          const k = key[i]! - min;
          const at = counts[base + ((k >>> shift) & mask)]!++;
          if (!last) keysOut![at] = k;
          entriesOut[at] = i;
        }
      } else if (last) {
        for (let i = from; i < to; i++) entriesOut[counts[base + ((keys[i]! >>> shift) & mask)]!++] = entries![i]!;
      } else {
        for (let i = from; i < to; i++) {
          const k = keys[i]!;
          const at = counts[base + ((k >>> shift) & mask)]!++;
          keysOut![at] = k;
          entriesOut[at] = entries![i]!;
        }
      }
      yield;
    }
    const done: Uint32Array = entriesOut;
    entriesOut = entries ?? (last ? entriesOut : new Uint32Array(n));
    entries = done;
    if (!last) [keys, keysOut] = [keysOut, keys];
  }
  return entries!;
}

function identity(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Keys spanning 2^32 or more (COWs of more than 2^32 chunks): the native sort. */
function comparatorOrder(key: Float64Array): Uint32Array {
  return identity(key.length).sort((a, b) => key[a]! - key[b]! || a - b);
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
