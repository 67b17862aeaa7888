/**
 * The persistent table as walked so far: old_chunk (and, out of allocation order, new_chunk) per
 * entry, and the two bitmaps that judge the next entry in one bit test each: chunks used (by the
 * header, the areas and accepted entries) and old_chunk values seen. The walk's fast loops
 * (persistent-fast.ts) and its entry judge (persistent-judge.ts) both add to it.
 */
import { NUM_SNAPSHOT_HDR_CHUNKS, type Geometry } from '../persistent/format.ts';
import { fitsUint32, widened, type ChunkArray } from '../persistent/exception-table.ts';
import { Bitset } from './bitset.ts';

/**
 * Entries the arrays start with: the data chunks of the device (no table holds more), capped. A
 * large array costs only the pages written (the allocator maps it lazily), where growing by
 * doubling copies the table again (10M entries from 4M: two copies).
 */
const INITIAL_CAPACITY_CAP = 1 << 24;

export class TableSoFar {
  readonly used: Bitset;
  /** old_chunk per entry: 32-bit until a value does not fit (ChunkArray). */
  olds: ChunkArray;
  /** new_chunk per entry: null while `inOrder`, or without keepTable. */
  news: Float64Array | null = null;
  /**
   * Every entry so far has the new_chunk the kernel's allocator hands out at its position
   * (`Geometry.allocatedChunk`), as in every table written by writes alone: such an entry needs
   * no test against `used` (no two positions, and no area location, share a chunk), and its
   * new_chunk is not stored.
   */
  inOrder = true;
  /** Entries [0, usedMarked) have their new_chunk marked in `used`; those taken in order are marked when `used` is next read. */
  usedMarked = 0;
  /** Entries whose new_chunk was accepted (each one bit of `used` besides the metadata marks). */
  accepted = 0;
  /** Accepted entries whose old_chunk is not a chunk number: the engine's open drops them too. */
  acceptedBadOrigin = 0;
  exceptions = 0;
  /** Highest valid new_chunk: the kernel's next_free is one past it. */
  maxChunk = NUM_SNAPSHOT_HDR_CHUNKS;
  /**
   * One bit per old_chunk value seen, below `seenBits`: entries whose old_chunk an earlier entry
   * holds are found during the table pass. It starts at the device's chunk count and doubles for a
   * larger value, up to `seenMaxBits` (a new typed array is zeroed whole, so its size costs time
   * even where no bit is set); a value past that sends the whole table through `forEachRepeat` at
   * the end instead.
   */
  seen: Uint32Array;
  seenBits: number;
  private readonly seenMaxBits: number;
  seenOverflow = false;
  /** Entries whose old_chunk an earlier entry holds (while `seen` held every value). */
  readonly repeats: number[] = [];

  constructor(
    /** Null when the header gives no geometry: then no entry is ever added. */
    readonly geo: Geometry | null,
    readonly chunkCount: number,
    private readonly keepTable: boolean,
  ) {
    // Header and area locations start out used: one bit test per entry finds a new_chunk on
    // metadata or used twice (the judge then says which).
    this.used = new Bitset(chunkCount);
    if (geo) {
      this.used.set(0);
      for (let c = geo.areaLocation(0); c < chunkCount; c += geo.stride) this.used.set(c);
    }
    this.seenMaxBits = Math.min(chunkCount * 64, 0x8000_0000);
    this.seen = new Uint32Array(Math.ceil(Math.min(this.seenMaxBits, Math.max(1 << 16, chunkCount)) / 32));
    this.seenBits = this.seen.length * 32;
    // new_chunk is stored only once an entry leaves allocation order: 8 bytes of fresh memory less per entry.
    this.olds = new Uint32Array(geo ? Math.max(16, Math.min(chunkCount, INITIAL_CAPACITY_CAP)) : 0);
  }

  /** Room for `n` more entries. */
  reserve(n: number): void {
    if (this.exceptions + n <= this.olds.length) return;
    const size = Math.max(Math.min(this.olds.length * 2, this.chunkCount), this.exceptions + n);
    const olds = this.olds instanceof Float64Array ? new Float64Array(size) : new Uint32Array(size);
    olds.set(this.olds.subarray(0, this.exceptions));
    this.olds = olds;
    if (this.news) {
      const news = new Float64Array(size);
      news.set(this.news.subarray(0, this.exceptions));
      this.news = news;
    }
  }

  /**
   * Marks in `used` the new_chunks of the entries taken in order and not yet marked: chunks
   * allocatedChunk(usedMarked) to allocatedChunk(exceptions - 1), every chunk between them (the
   * area locations among them are marked already).
   */
  markUsed(): void {
    if (this.usedMarked === this.exceptions) return;
    const geo = this.geo!;
    this.used.setRange(geo.allocatedChunk(this.usedMarked), geo.allocatedChunk(this.exceptions - 1) + 1);
    this.usedMarked = this.exceptions;
  }

  /** Adds one judged entry (`newChunk` -1: not accepted; `old` -1: not a chunk number), after `markUsed`. */
  add(old: number, newChunk: number): void {
    const n = this.exceptions++;
    this.usedMarked = this.exceptions;
    if (newChunk >= 0) {
      this.accepted++;
      if (old < 0) this.acceptedBadOrigin++;
      this.maxChunk = Math.max(this.maxChunk, newChunk);
    }
    if (!fitsUint32(old)) this.olds = widened(this.olds);
    this.olds[n] = old;
    if (old >= this.seenBits) this.growSeen(old);
    if (old >= this.seenBits) this.seenOverflow = true;
    else if (old >= 0) {
      if ((this.seen[old >>> 5]! & (1 << (old & 31))) !== 0) this.repeats.push(n);
      else this.seen[old >>> 5]! |= 1 << (old & 31);
    }
    this.storeNew(n, newChunk);
  }

  /** Records new_chunk of entry `n`: the first entry out of allocation order ends `inOrder` and, with keepTable, builds the array of them. */
  private storeNew(n: number, newChunk: number): void {
    if (this.inOrder) {
      if (newChunk === this.geo!.allocatedChunk(n)) return;
      this.inOrder = false;
      if (!this.keepTable) return;
      const news = new Float64Array(this.olds.length);
      for (let i = 0; i < n; i++) news[i] = this.geo!.allocatedChunk(i);
      this.news = news;
    }
    if (this.news) this.news[n] = newChunk;
  }

  /** Widens the old_chunk bitmap to hold `old` (doubling), unless that passes `seenMaxBits`. */
  private growSeen(old: number): void {
    if (old >= this.seenMaxBits) return;
    let bits = this.seenBits * 2;
    while (bits <= old) bits *= 2;
    bits = Math.min(bits, this.seenMaxBits);
    const seen = new Uint32Array(Math.ceil(bits / 32));
    seen.set(this.seen);
    this.seen = seen;
    this.seenBits = seen.length * 32;
  }
}
