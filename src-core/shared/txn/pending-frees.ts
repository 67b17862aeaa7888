/**
 * Chunks freed in this transaction that the last commit still references: they stay marked in the
 * bitmap until the next commit is durable. A paged bitmap (chunk-set.ts), so memory follows the
 * chunks pending, not the device (a flat bitmap was 512 MiB at the format's 2^32 chunks), and a
 * commit releases them a bitmap word at a time (a snapshot delete frees a million; a Set of them
 * cost more than the rest of the delete).
 */
import type { BitmapAllocator } from '../alloc/bitmap-allocator.ts';
import { ChunkSet } from './chunk-set.ts';

export class PendingFrees implements Iterable<number> {
  private readonly set = new ChunkSet();

  get size(): number {
    return this.set.size;
  }

  has(chunk: number): boolean {
    return this.set.has(chunk);
  }

  /** `chunk` is not pending already (the caller frees a chunk once). */
  add(chunk: number): void {
    this.set.add(chunk);
  }

  /** Adds values[from], values[from + step], … (none pending already): a leaf's dropped chunks at once. */
  addEvery(values: Float64Array, from: number, step: number): void {
    const set = this.set;
    for (let k = from; k < values.length; k += step) set.add(values[k]!);
  }

  [Symbol.iterator](): Iterator<number> {
    return this.set[Symbol.iterator]();
  }

  /**
   * Releases every pending chunk in `alloc` and empties the set; returns the lowest chunk released
   * (Infinity when none).
   */
  releaseInto(alloc: BitmapAllocator): number {
    let lowest = Infinity;
    this.set.drain((w, bits) => {
      const first = w * 32 + (31 - Math.clz32(bits & -bits));
      if (first < lowest) lowest = first;
      alloc.releaseWord(w, bits);
    });
    return lowest;
  }
}
