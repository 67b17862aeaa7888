/**
 * Chunks freed in this transaction that the last commit still references: they stay marked in the
 * bitmap until the next commit is durable. A bitmap laid out like the allocation bitmap (membership,
 * and releasing a snapshot delete's million chunks a bitmap byte at a time instead of one by one),
 * plus a list of the chunks while they are few (releasing a handful without sweeping the bitmap).
 * A Set cost more than the rest of a delete; past LIST_MAX the list is dropped (writing and growing
 * it was a tenth of a delete) and iteration sweeps the bitmap.
 */
import type { BitmapAllocator } from '../alloc/bitmap-allocator.ts';

const MIN_LIST = 64;

export class PendingFrees implements Iterable<number> {
  /**
   * The chunks, first `count` entries (chunk numbers fit a float exactly); null past `listMax`.
   * Declared without a value, so the constructor's write is its second (see ChunkTable's slots):
   * the first delete that drops the list then deoptimises no compiled `add`.
   */
  private list!: Float64Array | null;
  private count = 0;
  private bits: Uint8Array;
  /** Beyond this many chunks the bitmap is cheaper to sweep than the list is to keep. */
  private listMax: number;

  constructor(chunkCount: number) {
    this.list = new Float64Array(MIN_LIST);
    this.bits = new Uint8Array(Math.ceil(chunkCount / 8) + 1);
    this.listMax = Math.max(MIN_LIST, this.bits.length >>> 5);
  }

  get size(): number {
    return this.count;
  }

  has(chunk: number): boolean {
    const byte = chunk >>> 3;
    return byte < this.bits.length && (this.bits[byte]! & (1 << (chunk & 7))) !== 0;
  }

  /** `chunk` is not pending already (the caller frees a chunk once). */
  add(chunk: number): void {
    const byte = chunk >>> 3;
    if (byte >= this.bits.length) {
      // The store's chunk count bounds every chunk; a larger one is a caller's bug, but keep the set exact.
      const grown = new Uint8Array(byte + 1);
      grown.set(this.bits);
      this.bits = grown;
      this.listMax = Math.max(MIN_LIST, this.bits.length >>> 5);
    }
    this.bits[byte] = this.bits[byte]! | (1 << (chunk & 7));
    const list = this.list;
    const n = this.count++;
    if (list === null) return;
    if (n === list.length) {
      if (n >= this.listMax) {
        this.list = null;
        return;
      }
      const grown = new Float64Array(n * 2);
      grown.set(list);
      grown[n] = chunk;
      this.list = grown;
      return;
    }
    list[n] = chunk;
  }

  /**
   * Adds values[from], values[from + step], … (none pending already): a leaf's dropped chunks at
   * once. Past the list's end it only sets bits, in one loop (a snapshot delete adds a million).
   */
  addEvery(values: Float64Array, from: number, step: number): void {
    let k = from;
    for (; k < values.length && this.list !== null; k += step) this.add(values[k]!);
    let bits = this.bits;
    for (; k < values.length; k += step) {
      const chunk = values[k]!;
      const byte = chunk >>> 3;
      if (byte >= bits.length) {
        this.add(chunk);
        bits = this.bits;
        continue;
      }
      bits[byte] = bits[byte]! | (1 << (chunk & 7));
      this.count++;
    }
  }

  *[Symbol.iterator](): Iterator<number> {
    const list = this.list;
    if (list !== null) {
      for (let i = 0; i < this.count; i++) yield list[i]!;
      return;
    }
    const bits = this.bits;
    for (let b = 0; b < bits.length; b++) {
      for (let m = bits[b]!; m !== 0; m &= m - 1) yield b * 8 + (31 - Math.clz32(m & -m));
    }
  }

  /**
   * Releases every pending chunk in `alloc` and empties the set; returns the lowest chunk released
   * (Infinity when none). Many chunks go through the bitmap a byte at a time, a few one by one.
   */
  releaseInto(alloc: BitmapAllocator): number {
    const n = this.count;
    const list = this.list;
    let lowest = Infinity;
    if (list === null || n * 32 > this.bits.length) {
      lowest = alloc.releaseMarked(this.bits);
      this.bits.fill(0);
    } else {
      const bits = this.bits;
      for (let i = 0; i < n; i++) {
        const chunk = list[i]!;
        alloc.release(chunk);
        bits[chunk >>> 3] = 0;
        if (chunk < lowest) lowest = chunk;
      }
    }
    this.count = 0;
    // A delete's list is megabytes: do not keep it for the next, usually tiny, transaction.
    if (list === null || list.length > 4096) this.list = new Float64Array(MIN_LIST);
    return lowest;
  }
}
