/**
 * The exception table in memory: entry i of the on-disk table (area i / epa, slot i % epa) as
 * two parallel typed arrays, plus an open-addressing index from origin chunk to entry. No object
 * per exception, so opening millions of them stays fast and small.
 */
const EMPTY = -1;

export class ExceptionTable {
  oldChunk: Float64Array;
  newChunk: Float64Array;
  count = 0;
  private slots: Int32Array;
  private usedSlots = 0;

  constructor(capacity = 1024) {
    this.oldChunk = new Float64Array(capacity);
    this.newChunk = new Float64Array(capacity);
    this.slots = new Int32Array(slotCountFor(capacity)).fill(EMPTY);
  }

  /** Entry index holding origin chunk `origin`, or -1. */
  find(origin: number): number {
    const mask = this.slots.length - 1;
    for (let s = hash(origin) & mask; ; s = (s + 1) & mask) {
      const e = this.slots[s]!;
      if (e === EMPTY) return -1;
      // Entries past `count` were merged away: they act as tombstones.
      if (e < this.count && this.oldChunk[e] === origin) return e;
    }
  }

  /** Appends an entry; the caller has checked that `origin` has none. */
  push(origin: number, chunk: number): number {
    if (this.count === this.oldChunk.length) this.grow();
    const index = this.count++;
    this.oldChunk[index] = origin;
    this.newChunk[index] = chunk;
    if ((this.usedSlots + 1) * 2 > this.slots.length) this.rebuildIndex(this.slots.length * 2);
    else this.index(index);
    return index;
  }

  /** Drops entries from `count` on (a merge consumed them). */
  truncate(count: number): void {
    this.count = Math.min(this.count, count);
  }

  private index(entry: number): void {
    const mask = this.slots.length - 1;
    const origin = this.oldChunk[entry]!;
    for (let s = hash(origin) & mask; ; s = (s + 1) & mask) {
      const e = this.slots[s]!;
      if (e === EMPTY) {
        this.slots[s] = entry;
        this.usedSlots++;
        return;
      }
      if (e >= this.count - 1 && e !== entry) {
        // A tombstone: reuse it (find() already proved `origin` is absent from the chain).
        this.slots[s] = entry;
        return;
      }
    }
  }

  private rebuildIndex(size: number): void {
    this.slots = new Int32Array(size).fill(EMPTY);
    this.usedSlots = 0;
    const live = this.count;
    for (let i = 0; i < live; i++) {
      const mask = size - 1;
      let s = hash(this.oldChunk[i]!) & mask;
      while (this.slots[s] !== EMPTY) s = (s + 1) & mask;
      this.slots[s] = i;
      this.usedSlots++;
    }
  }

  private grow(): void {
    const size = this.oldChunk.length * 2;
    const oldChunk = new Float64Array(size);
    const newChunk = new Float64Array(size);
    oldChunk.set(this.oldChunk);
    newChunk.set(this.newChunk);
    this.oldChunk = oldChunk;
    this.newChunk = newChunk;
  }
}

function slotCountFor(entries: number): number {
  let n = 16;
  while (n < entries * 2) n *= 2;
  return n;
}

/** Chunk numbers up to 2^53: mix both halves (Fibonacci hashing on 32 bits). */
function hash(origin: number): number {
  const lo = origin >>> 0;
  const hi = Math.floor(origin / 0x1_0000_0000) >>> 0;
  return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> 0;
}
