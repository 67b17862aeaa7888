/**
 * Chunks freed in this transaction that the last commit still references: they stay marked in the
 * bitmap until the next commit is durable. The first few are a list (a commit usually frees a
 * handful: released one by one, as they came); past those, a paged bitmap (chunk-set.ts), so
 * memory follows the chunks pending, not the device (a flat bitmap was 512 MiB at the format's
 * 2^32 chunks), and a snapshot delete's million are released a bitmap word at a time (a Set of
 * them cost more than the rest of the delete).
 */
import type { BitmapAllocator } from '../alloc/bitmap-allocator.ts';
import { ChunkSet } from './chunk-set.ts';

/** Chunks the list holds before the set takes the rest. */
const LIST_MAX = 64;

export class PendingFrees implements Iterable<number> {
  private readonly list = new Float64Array(LIST_MAX);
  private listed = 0;
  private readonly more = new ChunkSet();

  get size(): number {
    return this.listed + this.more.size;
  }

  has(chunk: number): boolean {
    if (this.more.has(chunk)) return true;
    for (let i = 0; i < this.listed; i++) if (this.list[i] === chunk) return true;
    return false;
  }

  /** `chunk` is not pending already (the caller frees a chunk once). */
  add(chunk: number): void {
    if (this.listed < LIST_MAX) this.list[this.listed++] = chunk;
    else this.more.add(chunk);
  }

  /** Adds values[from], values[from + step], … (none pending already): a leaf's dropped chunks at once. */
  addEvery(values: Float64Array, from: number, step: number): void {
    let k = from;
    for (; k < values.length && this.listed < LIST_MAX; k += step) this.list[this.listed++] = values[k]!;
    const more = this.more;
    for (; k < values.length; k += step) more.add(values[k]!);
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
    if (this.more.size === 0) return lowest;
    this.more.drain((w, bits) => {
      const first = w * 32 + (31 - Math.clz32(bits & -bits));
      if (first < lowest) lowest = first;
      alloc.releaseWord(w, bits);
    });
    return lowest;
  }
}
