/**
 * Next-fit allocation over the in-memory bitmap. Frees of chunks the last commit references are
 * deferred by the transaction manager (they become free after the next commit); this class only
 * flips bits and remembers which bitmap chunks changed.
 */
import { SnapscopeError } from '../../errors.ts';
import { SECTOR_BYTES } from '../../io/block-device.ts';
import { clearBit, setBit, testBit } from '../format/bitmap.ts';

/** dirtyLow's mark for a bitmap chunk written whole. */
const WHOLE = -2;

export class BitmapAllocator {
  private readonly words: Uint32Array;
  private cursorWord = 0;
  /**
   * Bitmap chunk indexes (0 = chunk 1 on disk) changed since the last commit: the first
   * `dirtyCount` entries, each listed once (a Set's clear made a new table every commit). Sized
   * for every bitmap chunk: a growing array's first store out of bounds deoptimised `allocate` in
   * each store opened after the code was compiled.
   */
  private readonly dirtyList: Int32Array;
  private dirtyCount = 0;
  /**
   * Per bitmap chunk, the lowest and highest bitmap byte changed since the last commit: -1 when
   * the chunk is clean, WHOLE when all of it is to be written.
   */
  private readonly dirtyLow: Int32Array;
  private readonly dirtyHigh: Int32Array;
  /**
   * The bitmap chunk holding the bits past the device end, or -1. Open sets those bits in memory
   * (a seed-written store may have them free); writing that chunk through its end whenever it is
   * written puts them on disk too.
   */
  private readonly tailChunk: number;
  /** The last range flushDirty handed out and its view: a strict commit writes the same sector again and again (a subarray per commit showed in profiles). */
  private lastFrom = -1;
  private lastTo = -1;
  private lastView: Uint8Array | null = null;
  /** log2(chunkBytes): bitmap byte → bitmap chunk is a shift (a division showed in 1M-chunk deletes). */
  private readonly chunkShift: number;
  freeCount: number;

  constructor(
    readonly bits: Uint8Array,
    readonly chunkCount: number,
    private readonly chunkBytes: number,
    private readonly device: string,
  ) {
    this.words = new Uint32Array(bits.buffer, bits.byteOffset, bits.length >>> 2);
    let used = 0;
    for (let i = 0; i < bits.length; i++) used += popcount8(bits[i]!);
    // Bits past the device end are always set; they are not chunks.
    this.freeCount = bits.length * 8 - used;
    const chunks = Math.ceil(bits.length / chunkBytes);
    this.dirtyLow = new Int32Array(chunks).fill(-1);
    this.dirtyHigh = new Int32Array(chunks).fill(-1);
    this.dirtyList = new Int32Array(chunks);
    this.tailChunk = chunkCount < bits.length * 8 ? chunks - 1 : -1;
    this.chunkShift = 31 - Math.clz32(chunkBytes);
  }

  /** Whether any bitmap chunk changed since the last flushDirty. */
  get dirty(): boolean {
    return this.dirtyCount > 0;
  }

  /** Bitmap chunk `index` is written whole at the next flushDirty (format writes every one). */
  markWhole(index: number): void {
    if (this.dirtyLow[index]! < 0) this.dirtyList[this.dirtyCount++] = index;
    this.dirtyLow[index] = WHOLE;
  }

  isUsed(chunk: number): boolean {
    return testBit(this.bits, chunk);
  }

  /** Takes the next free chunk at or after the cursor, wrapping once; 'no-space' when none. */
  allocate(): number {
    const words = this.words;
    const n = words.length;
    for (let pass = 0; pass < 2; pass++) {
      const from = pass === 0 ? this.cursorWord : 0;
      const to = pass === 0 ? n : this.cursorWord;
      for (let w = from; w < to; w++) {
        if (words[w] === 0xffffffff) continue;
        for (let b = w * 4; b < w * 4 + 4; b++) {
          const byte = this.bits[b]!;
          if (byte === 0xff) continue;
          const bit = 31 - Math.clz32(~byte & (byte + 1));
          const chunk = b * 8 + bit;
          this.mark(chunk);
          this.cursorWord = w;
          return chunk;
        }
      }
    }
    throw new SnapscopeError('no-space', `${this.device} is full: no free chunk left`, { device: this.device });
  }

  /** Moves the next-fit cursor back to `chunk` (after a commit released chunks below it). */
  rewindTo(chunk: number): void {
    this.cursorWord = Math.min(this.cursorWord, chunk >>> 5);
  }

  /** Marks a chunk used (format, tests). */
  mark(chunk: number): void {
    setBit(this.bits, chunk);
    this.freeCount--;
    this.touch(chunk >>> 3);
  }

  release(chunk: number): void {
    if (!testBit(this.bits, chunk)) {
      throw new SnapscopeError('corrupt', `chunk ${chunk} freed twice`, { device: this.device, chunk });
    }
    clearBit(this.bits, chunk);
    this.freeCount++;
    this.touch(chunk >>> 3);
  }

  /**
   * Releases every chunk whose bit is set in `marked` (laid out like the bitmap), a byte at a time;
   * returns the lowest, or Infinity when none. The result equals releasing them one by one.
   */
  releaseMarked(marked: Uint8Array): number {
    const bits = this.bits;
    const n = Math.min(marked.length, bits.length);
    let lowest = Infinity;
    for (let b = 0; b < n; b++) {
      const m = marked[b]!;
      if (m === 0) continue;
      const have = bits[b]!;
      if ((have & m) !== m) {
        const chunk = b * 8 + (31 - Math.clz32(m & ~have & -(m & ~have)));
        throw new SnapscopeError('corrupt', `chunk ${chunk} freed twice`, { device: this.device, chunk });
      }
      bits[b] = have & ~m;
      this.freeCount += popcount8(m);
      this.touch(b);
      if (lowest === Infinity) lowest = b * 8 + (31 - Math.clz32(m & -m));
    }
    return lowest;
  }

  /**
   * Frees in memory a chunk the bitmap on disk marks used but nothing references (a leak a crash
   * left), without marking its bitmap chunk changed: opening a store writes nothing, and the
   * bitmap on disk learns of it when the chunk is next allocated or its bitmap sector rewritten.
   */
  reclaimLeak(chunk: number): void {
    if (!testBit(this.bits, chunk)) return;
    clearBit(this.bits, chunk);
    this.freeCount++;
  }

  /**
   * Hands `write` the changed part of each changed bitmap chunk — the whole sectors holding its
   * changed bytes, as (byte offset within the bitmap, bytes) — then forgets the changes. The other
   * sectors are already on disk as they are in memory, so the bitmap on disk ends up the same as
   * writing whole chunks.
   */
  flushDirty(write: (offset: number, bytes: Uint8Array) => void): void {
    const list = this.dirtyList;
    for (let k = 0; k < this.dirtyCount; k++) {
      const index = list[k]!;
      const low = this.dirtyLow[index]!;
      const base = index * this.chunkBytes;
      const whole = low === WHOLE || index === this.tailChunk;
      const from = low === WHOLE ? base : low - (low % SECTOR_BYTES);
      const high = this.dirtyHigh[index]! + 1;
      const to = whole ? base + this.chunkBytes : high + ((SECTOR_BYTES - (high % SECTOR_BYTES)) % SECTOR_BYTES);
      write(from, this.viewOf(from, to));
      this.dirtyLow[index] = -1;
      this.dirtyHigh[index] = -1;
    }
    this.dirtyCount = 0;
  }

  private viewOf(from: number, to: number): Uint8Array {
    if (from !== this.lastFrom || to !== this.lastTo || this.lastView === null) {
      this.lastView = this.bits.subarray(from, to);
      this.lastFrom = from;
      this.lastTo = to;
    }
    return this.lastView;
  }

  /** Records that bitmap byte `byte` changed. */
  private touch(byte: number): void {
    const index = byte >>> this.chunkShift;
    const low = this.dirtyLow[index]!;
    if (low === -1) {
      this.dirtyList[this.dirtyCount++] = index;
      this.dirtyLow[index] = byte;
      this.dirtyHigh[index] = byte;
    } else if (low === WHOLE) return;
    else if (byte < low) this.dirtyLow[index] = byte;
    else if (byte > this.dirtyHigh[index]!) this.dirtyHigh[index] = byte;
  }
}

function popcount8(x: number): number {
  x = x - ((x >> 1) & 0x55);
  x = (x & 0x33) + ((x >> 2) & 0x33);
  return (x + (x >> 4)) & 0x0f;
}
