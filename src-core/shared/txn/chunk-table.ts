/**
 * A hash map from chunk number to value — the block cache's index: open addressing with linear
 * probing and backward-shift deletion over an Int32Array of keys. A lookup is a multiply and a probe or two, about half the cost of a Map on the hot paths
 * (every level of every probe), and the slot array doubles as the face the cache's CLOCK hand sweeps.
 */

/** Chunk numbers are below 2^32 − 1, so the key −1 (chunk 2^32 − 1 as int32) never occurs. */
const EMPTY = -1;
const MIN_SLOTS = 256;

export class ChunkTable<T> {
  // Declared without a value, so the constructor's `setSlots` is their second write: V8 compiles
  // reads of a field written once as a constant, and the first grow then threw away the compiled
  // code of every hot caller (a wave of recompiles on the compiler thread).
  private keys!: Int32Array;
  private vals!: (T | undefined)[];
  private shift!: number;
  size = 0;

  constructor() {
    this.setSlots(MIN_SLOTS);
  }

  /** Slots in the table: positions for `valueAt` and `deleteAt`. */
  get slots(): number {
    return this.keys.length;
  }

  get(chunk: number): T | undefined {
    const key = chunk | 0;
    const keys = this.keys;
    const mask = keys.length - 1;
    // Both compares and the step run at every probe: while every lookup hit its home slot, a
    // miss's compare and a collision's step had never run, and the first of each deoptimised get
    // and every caller compiled with it inlined.
    for (let i = this.home(key); ; ) {
      const k = keys[i]!;
      const next = (i + 1) & mask;
      const hit = k === key;
      const end = k === EMPTY;
      if (hit || end) return hit ? this.vals[i] : undefined;
      i = next;
    }
  }

  set(chunk: number, value: T): void {
    const key = chunk | 0;
    const keys = this.keys;
    const mask = keys.length - 1;
    let i = this.home(key);
    for (; keys[i] !== EMPTY; i = (i + 1) & mask) {
      if (keys[i] === key) {
        this.vals[i] = value;
        return;
      }
    }
    keys[i] = key;
    this.vals[i] = value;
    // Keep at most half the slots full, so probe runs stay short.
    if (++this.size * 2 > keys.length) this.grow();
  }

  /** Removes `chunk`; returns its value, or undefined when absent. */
  delete(chunk: number): T | undefined {
    const key = chunk | 0;
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let i = this.home(key); ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === EMPTY) return undefined;
      if (k === key) {
        const value = this.vals[i];
        this.deleteAt(i);
        return value;
      }
    }
  }

  /** The value in `slot`, undefined when the slot is empty. */
  valueAt(slot: number): T | undefined {
    return this.vals[slot];
  }

  /** Empties `slot`; a later entry of the same probe run may move into it. */
  deleteAt(slot: number): void {
    const keys = this.keys;
    const vals = this.vals;
    const mask = keys.length - 1;
    let hole = slot;
    // Backward shift: pull each following entry of the run into the hole unless that would put it
    // before its home slot, so every entry stays reachable from its home without tombstones.
    for (let j = (hole + 1) & mask; keys[j] !== EMPTY; j = (j + 1) & mask) {
      const home = this.home(keys[j]!);
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        keys[hole] = keys[j]!;
        vals[hole] = vals[j];
        hole = j;
      }
    }
    keys[hole] = EMPTY;
    vals[hole] = undefined;
    this.size--;
  }

  /** Empties the table. */
  clear(): void {
    this.setSlots(MIN_SLOTS);
    this.size = 0;
  }

  private home(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }

  /** An empty table of `slots` (a power of two) slots. */
  private setSlots(slots: number): void {
    this.keys = new Int32Array(slots).fill(EMPTY);
    this.vals = new Array<T | undefined>(slots).fill(undefined);
    this.shift = 32 - Math.log2(slots);
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    this.setSlots(oldKeys.length * 2);
    this.size = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== EMPTY) this.set(oldKeys[i]!, oldVals[i]!);
  }
}
