/**
 * A set of chunk numbers (below 2^32, the shared format's limit) as a paged bitmap: the chunk
 * roles and the transaction's fresh chunks.
 * Every shadow adds its new chunk and removes its old one; in a hash table that was two probes
 * into tables of every node or leaf, which a commit's block writes had pushed out of the CPU
 * cache. Here a bit is three loads: a top table (2,048 entries) names a middle table (1,024
 * entries), which names a page of 64 words (2,048 chunks). Middle tables and pages live in pools
 * that grow by doubling: made on a page's first chunk, given back when its last one goes, and
 * reused. So memory follows what the set holds, not its highest chunk: about 19 KiB, plus 268
 * bytes a page and 4 KiB a middle table (2^21 chunks) it touches; a dense set costs a flat
 * bitmap's size and about 6% more (and the pools' spare room). Slot 0 of each pool stays zero,
 * so a lookup of an absent page follows it to a zero word without a branch. Same surface as the
 * Set it replaced; iteration is in chunk order.
 */

const PAGE_BITS = 6;
const PAGE_WORDS = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_WORDS - 1;
const MID_BITS = 10;
const MID_ENTRIES = 1 << MID_BITS;
const MID_MASK = MID_ENTRIES - 1;
/** Word index bits above a middle table's (a word index is a chunk >>> 5: 27 bits). */
const TOP_SHIFT = PAGE_BITS + MID_BITS;
const TOP_ENTRIES = 1 << (27 - TOP_SHIFT);
const MIN_PAGES = 4;
const MIN_MIDS = 2;
/** Every page or middle table a set can hold, and the zero slot. */
const MAX_PAGES = (1 << (27 - PAGE_BITS)) + 1;
const MAX_MIDS = TOP_ENTRIES + 1;
/** Chunks listed for clear (see `added`). */
const LIST_MAX = 256;

export class ChunkSet implements Iterable<number> {
  size = 0;
  /** Top entry t (word indexes from t << TOP_SHIFT): its middle table's slot, 0 for none. */
  private readonly top = new Int32Array(TOP_ENTRIES);
  // The pools below are declared without a value, so the constructor's write is their second
  // (see ChunkTable's slots): their first grow then throws away no compiled code that read them
  // as constants.
  /** Middle tables, MID_ENTRIES each: a page's slot, 0 for none. */
  private mids!: Int32Array;
  /** Per middle slot: pages it names, and its top entry. */
  private midPages!: Int32Array;
  private midOwner!: Int32Array;
  /** Freed middle slots, the first `freeMidCount`. */
  private freeMids!: Int32Array;
  /** Pages, PAGE_WORDS words each. */
  private pages!: Int32Array;
  /** Per page slot: bits set, and where in `mids` it is named (0: the slot is free). */
  private pageBits!: Int32Array;
  private pageOwner!: Int32Array;
  /** Freed page slots, the first `freePageCount`. */
  private freePages!: Int32Array;
  /** Slots in use or freed (the pools' high-water marks); slot 0 is the zero sentinel. */
  private midSlots = 1;
  private pageSlots = 1;
  private freeMidCount = 0;
  private freePageCount = 0;
  /**
   * Where in `pages` the chunks added since the last clear are, the first `listed` entries, while
   * few (-1 once more than LIST_MAX): clear then zeroes just those words and what names their
   * pages, instead of sweeping the pools (the fresh set empties at every commit, usually holding
   * a handful of chunks).
   */
  private readonly added = new Int32Array(LIST_MAX);
  private listed = 0;
  /**
   * Pages the last listed clear emptied but left in place: the next round's chunks are near the
   * last's, so the fresh set finds its page there instead of making one at every commit. Those
   * still empty at the next clear are given back.
   */
  private readonly kept = new Int32Array(LIST_MAX);
  private keptCount = 0;

  constructor() {
    this.allocatePools(MIN_PAGES, MIN_MIDS);
  }

  has(chunk: number): boolean {
    const w = chunk >>> 5;
    const page = this.mids[(this.top[w >>> TOP_SHIFT]! << MID_BITS) | ((w >>> PAGE_BITS) & MID_MASK)]!;
    return (this.pages[(page << PAGE_BITS) | (w & PAGE_MASK)]! & (1 << (chunk & 31))) !== 0;
  }

  add(chunk: number): void {
    const w = chunk >>> 5;
    const t = w >>> TOP_SHIFT;
    let mid = this.top[t]!;
    if (mid === 0) mid = this.newMid(t);
    const m = (mid << MID_BITS) | ((w >>> PAGE_BITS) & MID_MASK);
    let page = this.mids[m]!;
    if (page === 0) page = this.newPage(m, mid);
    const i = (page << PAGE_BITS) | (w & PAGE_MASK);
    const bit = 1 << (chunk & 31);
    const word = this.pages[i]!;
    if ((word & bit) !== 0) return;
    this.pages[i] = word | bit;
    this.pageBits[page]!++;
    this.size++;
    const listed = this.listed;
    if (listed < 0) return;
    if (listed < LIST_MAX) this.added[this.listed++] = i;
    else this.listed = -1;
  }

  /**
   * Adds values[from], values[from + step], …: a snapshot delete's million chunks. Past the
   * chunks a clear lists, they go in one loop that looks a page up only when a chunk leaves the
   * last one (a leaf's exceptions were allocated together) and counts in locals: one by one,
   * the adds cost a delete 15-20% more than the flat bitmap this set replaced.
   */
  addEvery(values: Float64Array, from: number, step: number): void {
    let k = from;
    for (; k < values.length && this.listed >= 0; k += step) this.add(values[k]!);
    let pages = this.pages;
    let pageOf = -1;
    let page = 0;
    let base = 0;
    let onPage = 0;
    let added = 0;
    for (; k < values.length; k += step) {
      const chunk = values[k]!;
      const w = chunk >>> 5;
      if (w >>> PAGE_BITS !== pageOf) {
        this.pageBits[page]! += onPage;
        onPage = 0;
        pageOf = w >>> PAGE_BITS;
        const t = w >>> TOP_SHIFT;
        let mid = this.top[t]!;
        if (mid === 0) mid = this.newMid(t);
        const m = (mid << MID_BITS) | (pageOf & MID_MASK);
        page = this.mids[m]!;
        if (page === 0) page = this.newPage(m, mid);
        // A new page may have grown the pool.
        pages = this.pages;
        base = page << PAGE_BITS;
      }
      const i = base | (w & PAGE_MASK);
      const bit = 1 << (chunk & 31);
      const word = pages[i]!;
      if ((word & bit) !== 0) continue;
      pages[i] = word | bit;
      onPage++;
      added++;
    }
    this.pageBits[page]! += onPage;
    this.size += added;
  }

  delete(chunk: number): boolean {
    const w = chunk >>> 5;
    const mid = this.top[w >>> TOP_SHIFT]!;
    const page = this.mids[(mid << MID_BITS) | ((w >>> PAGE_BITS) & MID_MASK)]!;
    const i = (page << PAGE_BITS) | (w & PAGE_MASK);
    const bit = 1 << (chunk & 31);
    const word = this.pages[i]!;
    if ((word & bit) === 0) return false;
    this.pages[i] = word & ~bit;
    this.size--;
    if (--this.pageBits[page]! === 0) this.dropPage(page);
    return true;
  }

  clear(): void {
    if (this.listed < 0) this.sweep();
    else this.clearListed();
    this.listed = 0;
    this.size = 0;
  }

  /**
   * Releases every chunk of the set into `alloc` a bitmap word at a time, in chunk order, and
   * empties the set; returns the lowest chunk (Infinity when empty): the pending frees of a
   * snapshot delete. One loop over the tables, calling the allocator directly.
   */
  releaseInto(alloc: { releaseWord(word: number, bits: number): void }): number {
    let lowest = Infinity;
    for (let t = 0; t < TOP_ENTRIES; t++) {
      const mid = this.top[t]!;
      if (mid === 0) continue;
      for (let e = 0; e < MID_ENTRIES; e++) {
        const page = this.mids[(mid << MID_BITS) | e]!;
        if (page === 0) continue;
        const firstWord = (t << TOP_SHIFT) | (e << PAGE_BITS);
        for (let k = 0; k < PAGE_WORDS; k++) {
          const bits = this.pages[(page << PAGE_BITS) | k]!;
          if (bits === 0) continue;
          if (lowest === Infinity) lowest = (firstWord + k) * 32 + (31 - Math.clz32(bits & -bits));
          alloc.releaseWord(firstWord + k, bits);
        }
      }
    }
    this.clear();
    return lowest;
  }

  /**
   * Every chunk in the set was added since the last clear, so every page with bits holds a
   * listed word. (A listed word's page may have been emptied since, and maybe reused: its bit
   * count says whether it holds any now.)
   */
  private clearListed(): void {
    const kept = this.kept;
    for (let k = 0; k < this.keptCount; k++) {
      const page = kept[k]!;
      if (this.pageBits[page] === 0 && this.pageOwner[page] !== 0) this.dropPage(page);
    }
    let keptCount = 0;
    for (let k = 0; k < this.listed; k++) {
      const i = this.added[k]!;
      this.pages[i] = 0;
      const page = i >>> PAGE_BITS;
      if (this.pageBits[page] === 0) continue;
      this.pageBits[page] = 0;
      kept[keptCount++] = page;
    }
    this.keptCount = keptCount;
  }

  /** Gives back every page and middle table, and pools far larger than this round needed (a big transaction's). */
  private sweep(): void {
    for (let p = 1; p < this.pageSlots; p++) {
      if (this.pageOwner[p] === 0) continue;
      this.pages.fill(0, p << PAGE_BITS, (p + 1) << PAGE_BITS);
      this.mids[this.pageOwner[p]!] = 0;
      this.pageBits[p] = 0;
      this.pageOwner[p] = 0;
    }
    for (let s = 1; s < this.midSlots; s++) {
      if (this.midPages[s] === 0) continue;
      this.top[this.midOwner[s]!] = 0;
      this.midPages[s] = 0;
    }
    const pagesIdle = this.pageBits.length > MIN_PAGES && this.pageBits.length > 4 * this.pageSlots;
    if (pagesIdle || (this.midPages.length > MIN_MIDS && this.midPages.length > 4 * this.midSlots)) this.allocatePools(MIN_PAGES, MIN_MIDS);
    this.pageSlots = 1;
    this.midSlots = 1;
    this.freePageCount = 0;
    this.freeMidCount = 0;
    this.keptCount = 0;
  }

  *[Symbol.iterator](): Iterator<number> {
    for (let t = 0; t < TOP_ENTRIES; t++) {
      const mid = this.top[t]!;
      if (mid === 0) continue;
      for (let e = 0; e < MID_ENTRIES; e++) {
        const page = this.mids[(mid << MID_BITS) | e]!;
        if (page === 0) continue;
        const firstWord = (t << TOP_SHIFT) | (e << PAGE_BITS);
        for (let k = 0; k < PAGE_WORDS; k++) {
          const base = (firstWord + k) * 32;
          for (let b = this.pages[(page << PAGE_BITS) | k]!; b !== 0; b &= b - 1) yield base + (31 - Math.clz32(b & -b));
        }
      }
    }
  }

  private newMid(t: number): number {
    const mid = this.freeMidCount > 0 ? this.freeMids[--this.freeMidCount]! : this.midSlots++;
    if (mid === this.midPages.length) this.growMids();
    this.top[t] = mid;
    this.midOwner[mid] = t;
    return mid;
  }

  /** A page for entry `m` of `mids` (in middle table `mid`). */
  private newPage(m: number, mid: number): number {
    const page = this.freePageCount > 0 ? this.freePages[--this.freePageCount]! : this.pageSlots++;
    if (page === this.pageBits.length) this.growPages();
    this.mids[m] = page;
    this.pageOwner[page] = m;
    this.midPages[mid]!++;
    return page;
  }

  /** Gives back an empty page (its words are zero), and its middle table if that was its last page. */
  private dropPage(page: number): void {
    const m = this.pageOwner[page]!;
    this.mids[m] = 0;
    this.pageOwner[page] = 0;
    this.freePages[this.freePageCount++] = page;
    const mid = m >>> MID_BITS;
    if (--this.midPages[mid]! !== 0) return;
    this.top[this.midOwner[mid]!] = 0;
    this.freeMids[this.freeMidCount++] = mid;
  }

  private allocatePools(pages: number, mids: number): void {
    this.pages = new Int32Array(pages * PAGE_WORDS);
    this.pageBits = new Int32Array(pages);
    this.pageOwner = new Int32Array(pages);
    this.freePages = new Int32Array(pages);
    this.mids = new Int32Array(mids * MID_ENTRIES);
    this.midPages = new Int32Array(mids);
    this.midOwner = new Int32Array(mids);
    this.freeMids = new Int32Array(mids);
  }

  private growPages(): void {
    const n = Math.min(this.pageBits.length * 2, MAX_PAGES);
    this.pages = grown(this.pages, n * PAGE_WORDS);
    this.pageBits = grown(this.pageBits, n);
    this.pageOwner = grown(this.pageOwner, n);
    this.freePages = grown(this.freePages, n);
  }

  private growMids(): void {
    const n = Math.min(this.midPages.length * 2, MAX_MIDS);
    this.mids = grown(this.mids, n * MID_ENTRIES);
    this.midPages = grown(this.midPages, n);
    this.midOwner = grown(this.midOwner, n);
    this.freeMids = grown(this.freeMids, n);
  }
}

function grown(a: Int32Array, length: number): Int32Array {
  const b = new Int32Array(length);
  b.set(a);
  return b;
}
