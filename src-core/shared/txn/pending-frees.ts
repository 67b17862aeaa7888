/**
 * Chunks freed in this transaction that the last commit still references: they stay marked in the
 * bitmap until the next commit is durable. Up to LIST_MAX of them are a list, released one by one
 * (a commit frees a handful, or a leaf's worth per block a batch shadowed); past that, all of them
 * go to a paged bitmap (chunk-set.ts), released a bitmap word at a time (a snapshot delete frees a
 * million). Memory follows the chunks pending, not the device: the flat bitmap this replaced was
 * 512 MiB at the format's 2^32 chunks. (The paged bitmap for a few hundred chunks spread over the
 * device cost 5–10 times the list: a page made per chunk, a walk of its tables per release.)
 */
import type { BitmapAllocator } from '../alloc/bitmap-allocator.ts';
import { ChunkSet } from './chunk-set.ts';

const LIST_MAX = 1024;

export class PendingFrees implements Iterable<number> {
  private readonly list = new Float64Array(LIST_MAX);
  /** Chunks in `list`; once it overflows, every pending chunk is in `more` instead. */
  private listed = 0;
  private readonly more = new ChunkSet();

  get size(): number {
    return this.listed + this.more.size;
  }

  /** A look through the list while it is in use (inspection and verify only). */
  has(chunk: number): boolean {
    for (let i = 0; i < this.listed; i++) if (this.list[i] === chunk) return true;
    return this.more.has(chunk);
  }

  /** `chunk` is not pending already (the caller frees a chunk once). */
  add(chunk: number): void {
    if (this.listed < LIST_MAX && this.more.size === 0) this.list[this.listed++] = chunk;
    else this.addMore(chunk);
  }

  /** Adds values[from], values[from + step], … (none pending already): a leaf's dropped chunks at once. */
  addEvery(values: Float64Array, from: number, step: number): void {
    let k = from;
    for (; k < values.length && this.listed < LIST_MAX && this.more.size === 0; k += step) this.list[this.listed++] = values[k]!;
    if (k >= values.length) return;
    this.moveList();
    this.more.addEvery(values, k, step);
  }

  private addMore(chunk: number): void {
    this.moveList();
    this.more.add(chunk);
  }

  /** The list overflowed: its chunks join the paged bitmap. */
  private moveList(): void {
    for (let i = 0; i < this.listed; i++) this.more.add(this.list[i]!);
    this.listed = 0;
  }

  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.listed; i++) yield this.list[i]!;
    yield* this.more;
  }

  /**
   * Releases every pending chunk in `alloc` and empties the set; returns the lowest chunk released
   * (Infinity when none).
   */
  releaseInto(alloc: BitmapAllocator): number {
    let lowest = Infinity;
    for (let i = 0; i < this.listed; i++) {
      const chunk = this.list[i]!;
      alloc.release(chunk);
      if (chunk < lowest) lowest = chunk;
    }
    this.listed = 0;
    // The list is empty once the set is in use.
    return this.more.size === 0 ? lowest : this.more.releaseInto(alloc);
  }
}
