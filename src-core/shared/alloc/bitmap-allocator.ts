/**
 * Next-fit allocation over the in-memory bitmap. Frees of chunks the last commit references are
 * deferred by the transaction manager (they become free after the next commit); this class only
 * flips bits and remembers which bitmap chunks changed.
 *
 * The bitmap is held a bitmap chunk (a page) at a time, and a page whose chunks are all free is
 * not held at all: at the format's limit the bitmap is 512 MiB, and a store holding little should
 * not cost that (open loads only the bitmap chunks with a used bit, and an emptied page is given
 * back). Per bitmap chunk there remain a reference, a used count and the dirty range: 24 bytes
 * (0.6% of the bitmap with 4 KiB chunks, 5% with 512-byte ones).
 */
import { SnapscopeError } from '../../errors.ts';
import { SECTOR_BYTES } from '../../io/block-device.ts';
import { popcount32 } from '../format/bitmap.ts';
import { LITTLE_ENDIAN_HOST } from '../format/le.ts';

/** dirtyLow's mark for a bitmap chunk written whole. */
const WHOLE = -2;

export class BitmapAllocator {
  /** Bitmap chunk k's bytes (bit i of byte b is chunk (k·chunkBytes + b)·8 + i), or null: all free. */
  private readonly pages: (Uint8Array | null)[];
  /** Bits set per page (those past the device end included). */
  private readonly pageUsed: Int32Array;
  /** log2 of the words and of the bits a page holds. */
  private readonly wordShift: number;
  private readonly bitShift: number;
  private readonly bitsPerPage: number;
  /** The page `words` views, for skipping full words (-1: none). */
  private wordsPage = -1;
  private words: Uint32Array = new Uint32Array(0);
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
   * The bitmap chunk holding the bits past the device end, or -1. Those bits are set in memory
   * (a seed-written store may have them free); writing that chunk through its end whenever it is
   * written puts them on disk too.
   */
  private readonly tailChunk: number;
  /** The last range flushDirty handed out and its view: a strict commit writes the same sector again and again (a subarray per commit showed in profiles). */
  private lastFrom = -1;
  private lastTo = -1;
  private lastPage: Uint8Array | null = null;
  private lastView: Uint8Array | null = null;
  /** Zeros to write for a page not held. */
  private zeros: Uint8Array | null = null;
  /** log2(chunkBytes): bitmap byte → bitmap chunk is a shift (a division showed in 1M-chunk deletes). */
  private readonly chunkShift: number;
  freeCount: number;

  /**
   * `bits`: the whole bitmap, laid out as on disk (every bitmap chunk); the allocator then works
   * in it (restore's builder). null: every chunk free but those past the
   * device end; `load` then brings in the bitmap chunks a store marks.
   */
  constructor(
    bits: Uint8Array | null,
    readonly chunkCount: number,
    private readonly chunkBytes: number,
    private readonly device: string,
  ) {
    const chunks = Math.ceil(chunkCount / (chunkBytes * 8));
    this.chunkShift = 31 - Math.clz32(chunkBytes);
    this.wordShift = this.chunkShift - 2;
    this.bitShift = this.chunkShift + 3;
    this.bitsPerPage = chunkBytes * 8;
    this.pages = new Array<Uint8Array | null>(chunks).fill(null);
    this.pageUsed = new Int32Array(chunks);
    this.dirtyLow = new Int32Array(chunks).fill(-1);
    this.dirtyHigh = new Int32Array(chunks).fill(-1);
    this.dirtyList = new Int32Array(chunks);
    this.tailChunk = chunkCount < chunks * this.bitsPerPage ? chunks - 1 : -1;
    if (bits !== null) {
      for (let k = 0; k < chunks; k++) this.pages[k] = bits.subarray(k * chunkBytes, (k + 1) * chunkBytes);
    }
    if (this.tailChunk >= 0) {
      const tail = this.pages[this.tailChunk] ?? this.newPage(this.tailChunk);
      this.setPastEnd(tail, new Uint32Array(tail.buffer, tail.byteOffset, chunkBytes >>> 2));
    }
    let used = 0;
    for (let k = 0; k < chunks; k++) {
      const page = this.pages[k]!;
      if (page === null) continue;
      this.pageUsed[k] = popcountBytes(page);
      used += this.pageUsed[k]!;
    }
    // Bits past the device end are always set; they are not chunks.
    this.freeCount = chunks * this.bitsPerPage - used;
  }

  /**
   * Takes bitmap chunk `index` as read from disk (`bytes`, word-aligned; bits past the device end
   * stay set). A chunk with no used bit is not held. Call once per bitmap chunk, before any change.
   */
  load(index: number, bytes: Uint8Array): void {
    const src = new Uint32Array(bytes.buffer, bytes.byteOffset, this.chunkBytes >>> 2);
    let page = this.pages[index]!;
    if (page === null) {
      let i = 0;
      while (i < src.length && src[i] === 0) i++;
      if (i === src.length) return;
      page = this.newPage(index);
    }
    const words = new Uint32Array(page.buffer, page.byteOffset, src.length);
    const before = this.pageUsed[index]!;
    let used = 0;
    for (let i = 0; i < src.length; i++) {
      const v = words[i]! | src[i]!;
      words[i] = v;
      used += popcount32(v);
    }
    this.pageUsed[index] = used;
    this.freeCount -= used - before;
    if (index === this.wordsPage) this.wordsPage = -1;
  }

  /**
   * Frees in memory every chunk not set in `keep` (words laid out like the bitmap; the chunks a
   * walk found referenced, the reserved ones included) — the leaks a crash left — without marking
   * its bitmap chunk changed: opening a store writes nothing, and the bitmap on disk learns of it
   * when the chunk is next written. Bits past the device end stay set. Costs the pages held.
   */
  keepOnly(keep: Uint32Array): void {
    const wordsPerPage = this.chunkBytes >>> 2;
    for (let p = 0; p < this.pages.length; p++) {
      const page = this.pages[p]!;
      if (page === null) continue;
      const words = new Uint32Array(page.buffer, page.byteOffset, wordsPerPage);
      const base = p * wordsPerPage;
      let used = 0;
      for (let i = 0; i < wordsPerPage; i++) {
        const k = keep[base + i] ?? 0;
        // `keep`'s bit j is chunk 32w + j; a page's words hold the bitmap's little-endian bytes.
        words[i] = words[i]! & (LITTLE_ENDIAN_HOST ? k : bswap32(k));
        used += popcount32(words[i]!);
      }
      if (p === this.tailChunk) used += this.setPastEnd(page, words);
      this.freeCount += this.pageUsed[p]! - used;
      this.pageUsed[p] = used;
      if (used === 0) this.dropPage(p);
    }
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
    const page = this.pages[chunk >>> this.bitShift];
    if (page === undefined || page === null) return false;
    return (page[(chunk & (this.bitsPerPage - 1)) >>> 3]! & (1 << (chunk & 7))) !== 0;
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

  /** Marks a free chunk used. */
  mark(chunk: number): void {
    const p = chunk >>> this.bitShift;
    const page = this.pages[p] ?? this.newPage(p);
    const i = (chunk & (this.bitsPerPage - 1)) >>> 3;
    page[i] = page[i]! | (1 << (chunk & 7));
    this.pageUsed[p]!++;
    this.freeCount--;
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

  /** Used chunks among [from, to) (bits past the device end count as used). */
  countUsed(from: number, to: number): number {
    let n = 0;
    for (let c = from; c < to; ) {
      const p = c >>> this.bitShift;
      const pageStart = p * this.bitsPerPage;
      const end = Math.min(to, pageStart + this.bitsPerPage);
      const page = this.pages[p];
      if (page === undefined) break;
      if (page !== null) n += c === pageStart && end === pageStart + this.bitsPerPage ? this.pageUsed[p]! : countBits(page, c - pageStart, end - pageStart);
      c = end;
    }
    return n;
  }

  /** Copies bitmap bytes [offset, offset + dst.length) into `dst` as memory holds them (zeros where no page is held). */
  readBytes(offset: number, dst: Uint8Array): void {
    for (let done = 0; done < dst.length; ) {
      const at = offset + done;
      const p = at >>> this.chunkShift;
      const within = at - p * this.chunkBytes;
      const n = Math.min(this.chunkBytes - within, dst.length - done);
      const page = this.pages[p] ?? null;
      if (page === null) dst.fill(0, done, done + n);
      else dst.set(page.subarray(within, within + n), done);
      done += n;
    }
  }

  /** Bytes the bitmap's pages hold in memory (tests; the per-chunk tables come on top). */
  get pageBytes(): number {
    let n = 0;
    for (const page of this.pages) if (page !== null) n += page.length;
    return n;
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

  private wordsOf(p: number, page: Uint8Array): Uint32Array {
    if (p !== this.wordsPage) {
      this.words = new Uint32Array(page.buffer, page.byteOffset, page.length >>> 2);
      this.wordsPage = p;
    }
    return this.words;
  }

  /** Sets the tail page's bits past the device end; returns how many there are. */
  private setPastEnd(page: Uint8Array, words: Uint32Array): number {
    const first = this.chunkCount - this.tailChunk * this.bitsPerPage;
    for (let c = first; c < ((first + 31) & ~31); c++) page[c >>> 3]! |= 1 << (c & 7);
    words.fill(0xffffffff, (first + 31) >>> 5);
    return this.bitsPerPage - first;
  }

  private newPage(p: number): Uint8Array {
    const page = new Uint8Array(this.chunkBytes);
    this.pages[p] = page;
    return page;
  }

  /** A page with no chunk used is not held. */
  private dropPage(p: number): void {
    this.pages[p] = null;
    if (p === this.wordsPage) this.wordsPage = -1;
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
    } else if (low === WHOLE) return;
    else if (byte < low) this.dirtyLow[index] = byte;
    else if (byte > this.dirtyHigh[index]!) this.dirtyHigh[index] = byte;
  }
}

function bswap32(x: number): number {
  return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}

function popcountBytes(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) n += popcount32(bytes[i]!);
  return n;
}

/** Set bits [a, b) of `bytes` (bit k of byte i is bit 8i + k). */
function countBits(bytes: Uint8Array, a: number, b: number): number {
  let n = 0;
  let c = a;
  for (; c < b && (c & 7) !== 0; c++) n += (bytes[c >>> 3]! >>> (c & 7)) & 1;
  for (; c + 8 <= b; c += 8) n += popcount32(bytes[c >>> 3]!);
  for (; c < b; c++) n += (bytes[c >>> 3]! >>> (c & 7)) & 1;
  return n;
}
