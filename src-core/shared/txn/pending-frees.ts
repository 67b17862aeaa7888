/**
 * Chunks freed in this transaction that the last commit still references: they stay marked in the
 * bitmap until the next commit is durable. A list (for the release at commit) plus a bitmap laid
 * out like the allocation bitmap (for membership, and for releasing a snapshot delete's million
 * chunks a bitmap byte at a time instead of one by one). A Set cost more than the rest of a delete.
 */
import type { BitmapAllocator } from '../alloc/bitmap-allocator.ts';

const MIN_LIST = 64;

export class PendingFrees implements Iterable<number> {
  /** The chunks, first `count` entries (chunk numbers fit a float exactly). */
  private list = new Float64Array(MIN_LIST);
  private count = 0;
  private bits: Uint8Array;

  constructor(chunkCount: number) {
    this.bits = new Uint8Array(Math.ceil(chunkCount / 8) + 1);
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
    }
    this.bits[byte] = this.bits[byte]! | (1 << (chunk & 7));
    if (this.count === this.list.length) {
      const grown = new Float64Array(this.list.length * 2);
      grown.set(this.list);
      this.list = grown;
    }
    this.list[this.count++] = chunk;
  }

  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.count; i++) yield this.list[i]!;
  }

  /**
   * Releases every pending chunk in `alloc` and empties the set; returns the lowest chunk released
   * (Infinity when none). Many chunks go through the bitmap a byte at a time, a few one by one.
   */
  releaseInto(alloc: BitmapAllocator): number {
    const n = this.count;
    let lowest = Infinity;
    if (n * 32 > this.bits.length) {
      lowest = alloc.releaseMarked(this.bits);
      this.bits.fill(0);
    } else {
      const list = this.list;
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
    if (this.list.length > 4096) this.list = new Float64Array(MIN_LIST);
    return lowest;
  }
}
