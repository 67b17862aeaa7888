/**
 * The allocation bitmap held a bitmap chunk (a page) at a time, and a page whose chunks are all
 * free not held at all: at the format's limit the bitmap is 512 MiB, and a store holding little
 * should not cost that. This part loads pages and answers questions about them; the allocator
 * (bitmap-allocator.ts) adds allocation, frees and what a commit writes. Per bitmap chunk there
 * remain a reference and a used count.
 */
import type { BlockDevice } from '../../io/block-device.ts';
import { FIRST_BITMAP_CHUNK, popcount32 } from '../format/bitmap.ts';
import { LITTLE_ENDIAN_HOST } from '../format/le.ts';

/** Bitmap bytes `readPagedBitmap` reads at once. */
const READ_BYTES = 1 << 20;

export class PagedBitmap {
  /** Bitmap chunk k's bytes (bit i of byte b is chunk (k·chunkBytes + b)·8 + i), or null: all free. */
  protected readonly pages: (Uint8Array | null)[];
  /** Bits set per page (those past the device end included). */
  protected readonly pageUsed: Int32Array;
  /** log2 of the words and of the bits a page holds. */
  protected readonly wordShift: number;
  protected readonly bitShift: number;
  protected readonly bitsPerPage: number;
  /** The page `words` views, for skipping full words (-1: none). */
  protected wordsPage = -1;
  protected words: Uint32Array = new Uint32Array(0);
  /**
   * The bitmap chunk holding the bits past the device end, or -1. Those bits are set in memory
   * (a seed-written store may have them free); writing that chunk through its end whenever it is
   * written puts them on disk too.
   */
  protected readonly tailChunk: number;
  /** log2(chunkBytes): bitmap byte → bitmap chunk is a shift (a division showed in 1M-chunk deletes). */
  protected readonly chunkShift: number;
  freeCount: number;

  /**
   * `bits`: the whole bitmap, laid out as on disk (every bitmap chunk), worked in place. null:
   * every chunk free but those past the device end; `load` then brings in the bitmap chunks a
   * store marks.
   */
  constructor(
    bits: Uint8Array | null,
    readonly chunkCount: number,
    protected readonly chunkBytes: number,
    protected readonly device: string,
  ) {
    const chunks = Math.ceil(chunkCount / (chunkBytes * 8));
    this.chunkShift = 31 - Math.clz32(chunkBytes);
    this.wordShift = this.chunkShift - 2;
    this.bitShift = this.chunkShift + 3;
    this.bitsPerPage = chunkBytes * 8;
    this.pages = new Array<Uint8Array | null>(chunks).fill(null);
    this.pageUsed = new Int32Array(chunks);
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

  /** Bitmap chunks (pages) the bitmap has. */
  get pageCount(): number {
    return this.pages.length;
  }

  /**
   * ORs `bytes` (word-aligned, a bitmap chunk laid out as on disk) into bitmap chunk `index`: a
   * store's bitmap chunk as read, or another bitmap's page. Bits past the device end stay set.
   * Nothing is held when neither has a used bit.
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

  /** ORs every page `other` holds into this one (same geometry). */
  loadAll(other: PagedBitmap): void {
    for (let k = 0; k < other.pages.length; k++) {
      const page = other.pages[k]!;
      if (page !== null) this.load(k, page);
    }
  }

  /**
   * ORs in the set bits of `words` (a bitset laid out like the bitmap: bit j of word w is chunk
   * 32w + j; a walk's referenced chunks). `blank(from, to)`, when given, says words [from, to)
   * are all zero without reading them (the walk's bitset knows: reading the untouched part of
   * its 512 MiB at 2^32 chunks faults in zero pages).
   */
  orWords(words: Uint32Array, blank?: (from: number, to: number) => boolean): void {
    const wordsPerPage = this.chunkBytes >>> 2;
    for (let p = 0; p < this.pages.length; p++) {
      const base = p * wordsPerPage;
      const end = Math.min(words.length, base + wordsPerPage);
      if (blank?.(base, end) === true) continue;
      let i = base;
      while (i < end && words[i] === 0) i++;
      if (i === end) continue;
      const page = this.pages[p] ?? this.newPage(p);
      const mine = new Uint32Array(page.buffer, page.byteOffset, wordsPerPage);
      let used = 0;
      for (let k = 0; k < wordsPerPage; k++) {
        const w = words[base + k] ?? 0;
        mine[k] = mine[k]! | (LITTLE_ENDIAN_HOST ? w : bswap32(w));
        used += popcount32(mine[k]!);
      }
      this.freeCount -= used - this.pageUsed[p]!;
      this.pageUsed[p] = used;
      if (p === this.wordsPage) this.wordsPage = -1;
    }
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

  isUsed(chunk: number): boolean {
    const page = this.pages[chunk >>> this.bitShift];
    if (page === undefined || page === null) return false;
    return (page[(chunk & (this.bitsPerPage - 1)) >>> 3]! & (1 << (chunk & 7))) !== 0;
  }

  /** Marks a free chunk used. */
  set(chunk: number): void {
    const p = chunk >>> this.bitShift;
    const page = this.pages[p] ?? this.newPage(p);
    const i = (chunk & (this.bitsPerPage - 1)) >>> 3;
    page[i] = page[i]! | (1 << (chunk & 7));
    this.pageUsed[p]!++;
    this.freeCount--;
  }

  /** The first used chunk at or after `from` (bits past the device end count), or -1: skips pages not held a page at a time. */
  nextUsed(from: number): number {
    for (let p = Math.max(0, from) >>> this.bitShift; p < this.pages.length; p++) {
      const page = this.pages[p]!;
      if (page === null) continue;
      const start = Math.max(from - p * this.bitsPerPage, 0);
      for (let b = start >>> 3; b < page.length; b++) {
        let byte = page[b]!;
        if (byte === 0) continue;
        if (b === start >>> 3) byte &= ~0 << (start & 7);
        if (byte !== 0) return p * this.bitsPerPage + b * 8 + (31 - Math.clz32(byte & -byte));
      }
    }
    return -1;
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

  protected wordsOf(p: number, page: Uint8Array): Uint32Array {
    if (p !== this.wordsPage) {
      this.words = new Uint32Array(page.buffer, page.byteOffset, page.length >>> 2);
      this.wordsPage = p;
    }
    return this.words;
  }

  /** Sets the tail page's bits past the device end; returns how many there are. */
  protected setPastEnd(page: Uint8Array, words: Uint32Array): number {
    const first = this.chunkCount - this.tailChunk * this.bitsPerPage;
    for (let c = first; c < ((first + 31) & ~31); c++) page[c >>> 3]! |= 1 << (c & 7);
    words.fill(0xffffffff, (first + 31) >>> 5);
    return this.bitsPerPage - first;
  }

  protected newPage(p: number): Uint8Array {
    const page = new Uint8Array(this.chunkBytes);
    this.pages[p] = page;
    return page;
  }

  /** A page with no chunk used is not held. */
  protected dropPage(p: number): void {
    this.pages[p] = null;
    if (p === this.wordsPage) this.wordsPage = -1;
  }
}

/**
 * The bitmap of the store on `cow` (geometry given), read a megabyte at a time: held only where
 * a chunk is used.
 */
export function readPagedBitmap(cow: BlockDevice, chunkCount: number, chunkBytes: number): PagedBitmap {
  const bitmap = new PagedBitmap(null, chunkCount, chunkBytes, cow.name);
  const n = bitmap.pageCount;
  const per = Math.max(1, Math.floor(READ_BYTES / chunkBytes));
  const buf = new Uint8Array(Math.min(per, n) * chunkBytes);
  for (let i = 0; i < n; i += per) {
    const k = Math.min(per, n - i);
    cow.read((FIRST_BITMAP_CHUNK + i) * chunkBytes, buf.subarray(0, k * chunkBytes));
    for (let j = 0; j < k; j++) bitmap.load(i + j, buf.subarray(j * chunkBytes, (j + 1) * chunkBytes));
  }
  return bitmap;
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
