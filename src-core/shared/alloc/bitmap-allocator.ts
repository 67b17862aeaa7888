/**
 * Next-fit allocation over the paged bitmap (paged-bitmap.ts), and which bitmap bytes changed
 * since the last commit: the insert and delete paths. Frees of chunks the last commit references
 * are deferred by the transaction manager (they become free after the next commit); this class
 * only flips bits and remembers which bitmap chunks changed. On top of the pages, per bitmap chunk,
 * the dirty range: 24 bytes in all per bitmap chunk (0.6% of the bitmap with 4 KiB chunks, 5%
 * with 512-byte ones).
 */
import { SnapscopeError } from '../../errors.ts';
import { SECTOR_BYTES } from '../../io/block-device.ts';
import { popcount32 } from '../format/bitmap.ts';
import { PagedBitmap } from './paged-bitmap.ts';

/** dirtyLow's mark for a bitmap chunk written whole. */
const WHOLE = -2;

export class BitmapAllocator extends PagedBitmap {
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
  /** The last range flushDirty handed out and its view: a strict commit writes the same sector again and again (a subarray per commit showed in profiles). */
  private lastFrom = -1;
  private lastTo = -1;
  private lastPage: Uint8Array | null = null;
  private lastView: Uint8Array | null = null;
  /** Zeros to write for a page not held. */
  private zeros: Uint8Array | null = null;

  /** `bits`, `chunkCount`: as PagedBitmap's. */
  constructor(bits: Uint8Array | null, chunkCount: number, chunkBytes: number, device: string) {
    super(bits, chunkCount, chunkBytes, device);
    const chunks = this.pageCount;
    this.dirtyLow = new Int32Array(chunks).fill(-1);
    this.dirtyHigh = new Int32Array(chunks).fill(-1);
    this.dirtyList = new Int32Array(chunks);
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

  /**
   * Takes the next free chunk at or after the cursor, wrapping once; 'no-space' when none. Marks
   * it here rather than through `mark` (one page lookup an allocation). (A separate fast path for
   * the cursor's own word, small enough for V8 to inline, used up the insert path's inlining
   * budget: the tree's descent was no longer inlined, 5-8% of insert CPU.)
   */
  allocate(): number {
    const shift = this.wordShift;
    let w = this.cursorWord;
    let to = this.pages.length << shift;
    for (let pass = 0; pass < 2; pass++) {
      while (w < to) {
        const p = w >>> shift;
        const base = p << shift;
        const end = Math.min(to, base + (1 << shift));
        if (this.pageUsed[p] !== this.bitsPerPage) {
          // A page not held is all free: made here, its first word has the chunk.
          const page = this.pages[p] ?? this.newPage(p);
          const words = this.wordsOf(p, page);
          for (; w < end; w++) {
            if (words[w - base] === 0xffffffff) continue;
            let b = (w - base) * 4;
            let byte = page[b]!;
            while (byte === 0xff) byte = page[++b]!;
            const bit = 31 - Math.clz32(~byte & (byte + 1));
            page[b] = byte | (1 << bit);
            this.pageUsed[p]!++;
            this.freeCount--;
            this.cursorWord = w;
            this.touch(base * 4 + b);
            return (base * 4 + b) * 8 + bit;
          }
        }
        w = end;
      }
      w = 0;
      to = this.cursorWord;
    }
    throw new SnapscopeError('no-space', `${this.device} is full: no free chunk left`, { device: this.device });
  }

  /** Moves the next-fit cursor back to `chunk` (after a commit released chunks below it). */
  rewindTo(chunk: number): void {
    this.cursorWord = Math.min(this.cursorWord, chunk >>> 5);
  }

  /** Marks a free chunk used, to be written at the next flush. */
  mark(chunk: number): void {
    this.set(chunk);
    this.touch(chunk >>> 3);
  }

  /** Marks chunks [from, to) used, all free before (format's header and bitmap chunks). */
  markRange(from: number, to: number): void {
    for (let c = from; c < to; c++) this.mark(c);
  }

  release(chunk: number): void {
    const p = chunk >>> this.bitShift;
    const page = this.pages[p];
    const i = (chunk & (this.bitsPerPage - 1)) >>> 3;
    const bit = 1 << (chunk & 7);
    if (page === undefined || page === null || (page[i]! & bit) === 0) this.freedTwice(chunk);
    page[i] = page[i]! & ~bit;
    this.freeCount++;
    this.touch(chunk >>> 3);
    if (--this.pageUsed[p]! === 0) this.dropPage(p);
  }

  /**
   * Releases the chunks of bitmap word `w` (chunks 32w..32w+31) whose bits are set in `mask`: a
   * snapshot delete's million frees a word at a time. The result equals releasing them one by one.
   */
  releaseWord(w: number, mask: number): void {
    const p = w >>> this.wordShift;
    const page = this.pages[p];
    if (page === undefined || page === null) this.freedTwice(w * 32 + (31 - Math.clz32(mask & -mask)));
    const first = (w - (p << this.wordShift)) * 4;
    for (let k = 0; k < 4; k++) {
      const m = (mask >>> (k * 8)) & 0xff;
      if (m === 0) continue;
      const have = page[first + k]!;
      if ((have & m) !== m) this.freedTwice(w * 32 + k * 8 + (31 - Math.clz32(m & ~have & -(m & ~have))));
      page[first + k] = have & ~m;
    }
    // A flush writes whole sectors, and a word's four bytes lie in one.
    this.touch(w * 4);
    const n = popcount32(mask);
    this.freeCount += n;
    this.pageUsed[p]! -= n;
    if (this.pageUsed[p] === 0) this.dropPage(p);
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
      write(from, this.viewOf(index, from - base, to - base));
      this.dirtyLow[index] = -1;
      this.dirtyHigh[index] = -1;
    }
    this.dirtyCount = 0;
  }

  /** Bytes [from, to) of page `index` (zeros when not held). */
  private viewOf(index: number, from: number, to: number): Uint8Array {
    const page = this.pages[index]!;
    if (page === null) {
      this.zeros ??= new Uint8Array(this.chunkBytes);
      return this.zeros.subarray(from, to);
    }
    if (from !== this.lastFrom || to !== this.lastTo || page !== this.lastPage || this.lastView === null) {
      this.lastView = page.subarray(from, to);
      this.lastFrom = from;
      this.lastTo = to;
      this.lastPage = page;
    }
    return this.lastView;
  }

  private freedTwice(chunk: number): never {
    throw new SnapscopeError('corrupt', `chunk ${chunk} freed twice`, { device: this.device, chunk });
  }

  /** Records that bitmap byte `byte` changed. */
  private touch(byte: number): void {
    const index = byte >>> this.chunkShift;
    const low = this.dirtyLow[index]!;
    if (low === -1) {
      this.dirtyList[this.dirtyCount++] = index;
      this.dirtyLow[index] = byte;
      this.dirtyHigh[index] = byte;
    } else if (low !== WHOLE) {
      // Both bounds stored every time: a branch per bound first taken after the code was
      // compiled (a free below the range) deoptimised release and its callers.
      this.dirtyLow[index] = Math.min(low, byte);
      this.dirtyHigh[index] = Math.max(this.dirtyHigh[index]!, byte);
    }
  }
}
