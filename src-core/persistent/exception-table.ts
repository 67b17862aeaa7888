/**
 * The exception table in memory: entry i of the on-disk table (area i / epa, slot i % epa) as
 * two parallel typed arrays, plus an open-addressing index from origin chunk to entry. No object
 * per exception, so opening millions of them stays fast and small.
 */
import type { Geometry } from './format.ts';

const EMPTY = -1;

/**
 * Chunk numbers of a table: 32-bit while every one fits (half the memory, and half the fresh pages
 * an open of millions of entries writes), 64-bit floats (exact to 2^53; -1 for a bad value) once one does not.
 */
export type ChunkArray = Float64Array | Uint32Array;

/** True when `value` can be stored in a Uint32Array ChunkArray. */
export function fitsUint32(value: number): boolean {
  return value >= 0 && value <= 0xffff_ffff;
}

/** `values` as 64-bit floats: itself, or a copy of the same length. */
export function widened(values: ChunkArray): Float64Array {
  return values instanceof Float64Array ? values : Float64Array.from(values);
}

export class ExceptionTable {
  oldChunk: ChunkArray;
  count = 0;
  /**
   * new_chunk per entry, or null while every entry's is the chunk the kernel's allocator hands out
   * i-th (a table written by writes alone): `newChunk` builds it on first use, and an entry out of
   * that order builds it too.
   */
  private news: Float64Array | null;
  private slots = new Int32Array(16).fill(EMPTY);
  private usedSlots = 0;
  /** The index is built on the first find (an open that only lists or merges never needs it). */
  private indexed = false;

  private constructor(
    oldChunk: ChunkArray,
    news: Float64Array | null,
    count: number,
    private readonly geo: Geometry,
  ) {
    this.oldChunk = oldChunk;
    this.news = news;
    this.count = count;
  }

  /** A table over arrays already filled (the walker's), without a copy; `newChunk` null: in allocation order. */
  static adopt(oldChunk: ChunkArray, newChunk: Float64Array | null, count: number, geo: Geometry): ExceptionTable {
    return new ExceptionTable(oldChunk, newChunk, count, geo);
  }

  /** True while every entry's new_chunk is `allocatedChunk(entry)` (no array of them built). */
  inAllocationOrder(): boolean {
    return this.news === null;
  }

  /** oldChunk as 64-bit floats from now on (views handed out stay valid until the next change). */
  wideOldChunk(): Float64Array {
    return (this.oldChunk = widened(this.oldChunk));
  }

  /** new_chunk of entry `entry`, without building the array of them. */
  newChunkOf(entry: number): number {
    return this.news !== null ? this.news[entry]! : this.geo.allocatedChunk(entry);
  }

  get newChunk(): Float64Array {
    if (this.news === null) {
      const news = new Float64Array(this.oldChunk.length);
      for (let i = 0; i < this.count; i++) news[i] = this.geo.allocatedChunk(i);
      this.news = news;
    }
    return this.news;
  }

  /** Entry index holding origin chunk `origin`, or -1. */
  find(origin: number): number {
    if (!this.indexed) this.buildIndex();
    const mask = this.slots.length - 1;
    for (let s = hash(origin) & mask; ; s = (s + 1) & mask) {
      const e = this.slots[s]!;
      if (e === EMPTY) return -1;
      // Entries past `count` were merged away: they act as tombstones.
      if (e < this.count && this.oldChunk[e] === origin) return e;
    }
  }

  /** Appends an entry without indexing it. */
  private append(origin: number, chunk: number): void {
    if (this.count === this.oldChunk.length) this.grow();
    if (!fitsUint32(origin)) this.wideOldChunk();
    this.oldChunk[this.count] = origin;
    if (this.news !== null || chunk !== this.geo.allocatedChunk(this.count)) this.newChunk[this.count] = chunk;
    this.count++;
  }

  /** Appends and indexes an entry; the caller has checked that `origin` has none. */
  push(origin: number, chunk: number): void {
    this.append(origin, chunk);
    if (!this.indexed) return;
    if ((this.usedSlots + 1) * 2 > this.slots.length) this.buildIndex();
    else this.insert(this.count - 1);
  }

  /** Indexes every entry (the walker refused a table with an origin chunk twice). */
  private buildIndex(): void {
    let size = 16;
    while (size < this.count * 2 + 2) size *= 2;
    this.slots = new Int32Array(size).fill(EMPTY);
    this.usedSlots = 0;
    this.indexed = true;
    for (let i = 0; i < this.count; i++) this.insert(i);
  }

  /** Drops entries from `count` on (a merge consumed them). */
  truncate(count: number): void {
    this.count = Math.min(this.count, count);
  }

  private insert(entry: number): void {
    const mask = this.slots.length - 1;
    for (let s = hash(this.oldChunk[entry]!) & mask; ; s = (s + 1) & mask) {
      const e = this.slots[s]!;
      if (e === EMPTY) {
        this.slots[s] = entry;
        this.usedSlots++;
        return;
      }
      if (e > entry) {
        // A tombstone (merged away, not yet reused): take it; find() proved `origin` absent.
        this.slots[s] = entry;
        return;
      }
    }
  }

  private grow(): void {
    const size = Math.max(16, this.oldChunk.length * 2);
    this.oldChunk = growTo(this.oldChunk, size);
    if (this.news !== null) this.news = growTo(this.news, size);
  }
}

function growTo<T extends ChunkArray>(values: T, size: number): T {
  const grown = (values instanceof Float64Array ? new Float64Array(size) : new Uint32Array(size)) as T;
  grown.set(values);
  return grown;
}

/**
 * Visits, in table order, every index of `olds` whose value an earlier index holds too (negative
 * values, invalid entries, are skipped): one pass over a bitmap of values when they are small, else
 * over an open-addressing table of indexes; linear in the count where a sort would be n log n.
 */
export function forEachRepeat(olds: ChunkArray, visit: (index: number) => void, max = maxOf(olds)): void {
  if (max < olds.length * 64 && max < 0x8000_0000) {
    // Small values (the usual case: origin chunks of one device): a bitmap of values seen.
    const seen = new Uint8Array((max >>> 3) + 1);
    for (let i = 0; i < olds.length; i++) {
      const v = olds[i]!;
      if (v < 0) continue;
      const bit = 1 << (v & 7);
      if ((seen[v >>> 3]! & bit) !== 0) visit(i);
      else seen[v >>> 3] = seen[v >>> 3]! | bit;
    }
    return;
  }
  let size = 16;
  while (size < olds.length * 2 + 2) size *= 2;
  const slots = new Int32Array(size).fill(EMPTY);
  const mask = size - 1;
  for (let i = 0; i < olds.length; i++) {
    const origin = olds[i]!;
    if (origin < 0) continue;
    let s = hash(origin) & mask;
    let e = slots[s]!;
    while (e !== EMPTY && olds[e] !== origin) {
      s = (s + 1) & mask;
      e = slots[s]!;
    }
    if (e === EMPTY) slots[s] = i;
    else visit(i);
  }
}

function maxOf(values: ChunkArray): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  return max;
}

/** Chunk numbers up to 2^53: mix both halves (multiplicative hashing on 32 bits). */
function hash(origin: number): number {
  const lo = origin >>> 0;
  const hi = (origin / 0x1_0000_0000) >>> 0;
  return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> 0;
}
