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
  private slots = new Int32Array(16).fill(EMPTY);
  private usedSlots = 0;
  /** The index is built on the first find (an open that only lists or merges never needs it). */
  private indexed = false;

  constructor(capacity = 1024) {
    this.oldChunk = new Float64Array(Math.max(16, capacity));
    this.newChunk = new Float64Array(Math.max(16, capacity));
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

  /** Makes room for `n` more entries (bulk load writes oldChunk/newChunk directly, then sets count). */
  reserve(n: number): void {
    while (this.count + n > this.oldChunk.length) this.grow();
  }

  /** Appends an entry without indexing it (bulk load; call buildIndex() after). */
  append(origin: number, chunk: number): void {
    if (this.count === this.oldChunk.length) this.grow();
    this.oldChunk[this.count] = origin;
    this.newChunk[this.count++] = chunk;
  }

  /** Appends and indexes an entry; the caller has checked that `origin` has none. */
  push(origin: number, chunk: number): void {
    this.append(origin, chunk);
    if (!this.indexed) return;
    if ((this.usedSlots + 1) * 2 > this.slots.length) this.buildIndex();
    else this.insert(this.count - 1);
  }

  /** Indexes every entry; returns [earlier, later] entries sharing an origin chunk, or null. */
  buildIndex(): [number, number] | null {
    let size = 16;
    while (size < this.count * 2 + 2) size *= 2;
    this.slots = new Int32Array(size).fill(EMPTY);
    this.usedSlots = 0;
    this.indexed = true;
    const mask = size - 1;
    const { oldChunk, slots } = this;
    for (let i = 0; i < this.count; i++) {
      const origin = oldChunk[i]!;
      let s = hash(origin) & mask;
      for (let e = slots[s]!; e !== EMPTY; e = slots[s]!) {
        if (oldChunk[e] === origin) return [e, i];
        s = (s + 1) & mask;
      }
      slots[s] = i;
      this.usedSlots++;
    }
    return null;
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
    const size = this.oldChunk.length * 2;
    const oldChunk = new Float64Array(size);
    const newChunk = new Float64Array(size);
    oldChunk.set(this.oldChunk);
    newChunk.set(this.newChunk);
    this.oldChunk = oldChunk;
    this.newChunk = newChunk;
  }
}

/**
 * The first two entries (earlier, later) of `olds[0..count)` that share a value, or null, where
 * every value is at most `max`: a bitmap of values when it is small (up to 8 bytes per entry), so
 * an open checks for twins without building the lookup index; else the index's own check.
 */
export function firstTwins(table: ExceptionTable, max: number): [number, number] | null {
  const { oldChunk, count } = table;
  if (max >= count * 64 || max >= 0x8000_0000) return table.buildIndex();
  const seen = new Uint8Array((max >>> 3) + 1);
  for (let i = 0; i < count; i++) {
    const v = oldChunk[i]!;
    const bit = 1 << (v & 7);
    const byte = v >>> 3;
    if ((seen[byte]! & bit) === 0) {
      seen[byte] = seen[byte]! | bit;
      continue;
    }
    return [oldChunk.indexOf(v), i];
  }
  return null;
}

/**
 * Visits, in table order, every index of `olds` whose value an earlier index holds too (negative
 * values, invalid entries, are skipped): one pass over a bitmap of values when they are small, else
 * over an open-addressing table of indexes; linear in the count where a sort would be n log n.
 */
export function forEachRepeat(olds: Float64Array, visit: (index: number) => void): void {
  let max = 0;
  for (let i = 0; i < olds.length; i++) if (olds[i]! > max) max = olds[i]!;
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

/** Chunk numbers up to 2^53: mix both halves (multiplicative hashing on 32 bits). */
function hash(origin: number): number {
  const lo = origin >>> 0;
  const hi = (origin / 0x1_0000_0000) >>> 0;
  return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> 0;
}
