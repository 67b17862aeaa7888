import { slotsOfHalves } from '../../src-core/shared/mask.ts';
import type { ExceptionStore } from '../../src-core/store.ts';

/**
 * Every live exception by COW chunk: which origin chunk it copies and who reads it. The stores
 * answer by origin chunk; the occupancy map and a click on a chunk ask by COW chunk. Built on
 * demand (one walk and a sort) and dropped when the store changes; 24 bytes per exception.
 */
export class ExceptionIndex {
  private constructor(
    /** Ascending. */
    private readonly chunk: Float64Array,
    private readonly origin: Float64Array,
    private readonly lo: Uint32Array,
    private readonly hi: Uint32Array,
  ) {}

  static build(store: ExceptionStore): ExceptionIndex {
    const rows: { chunk: number[]; origin: number[]; lo: number[]; hi: number[] } = { chunk: [], origin: [], lo: [], hi: [] };
    store.forEachException((origin, chunk, slots) => {
      rows.chunk.push(chunk);
      rows.origin.push(origin);
      rows.lo.push(Number(slots & 0xffffffffn));
      rows.hi.push(Number((slots >> 32n) & 0xffffffffn));
    });
    const order = Uint32Array.from(rows.chunk.keys()).sort((a, b) => rows.chunk[a]! - rows.chunk[b]!);
    const pick = <A extends Float64Array | Uint32Array>(make: new (n: number) => A, from: number[]): A => {
      const out = new make(order.length);
      order.forEach((i, k) => (out[k] = from[i]!));
      return out;
    };
    return new ExceptionIndex(pick(Float64Array, rows.chunk), pick(Float64Array, rows.origin), pick(Uint32Array, rows.lo), pick(Uint32Array, rows.hi));
  }

  /** The exception stored in COW chunk `chunk`, or null. */
  find(chunk: number): { origin: number; slots: number[] } | null {
    const i = this.lowerBound(chunk);
    return this.chunk[i] === chunk ? { origin: this.origin[i]!, slots: slotsOfHalves(this.lo[i]!, this.hi[i]!) } : null;
  }

  /**
   * Exception chunks in [start, end) per bucket of `per` chunks, by who reads them: one snapshot
   * only (per slot, slots with none left out) or two or more (shared).
   */
  owners(start: number, end: number, per: number, buckets: number): { slots: { slot: number; counts: number[] }[]; shared: number[] } {
    const bySlot = new Map<number, number[]>();
    const shared = new Array<number>(buckets).fill(0);
    for (let i = this.lowerBound(start); i < this.chunk.length && this.chunk[i]! < end; i++) {
      const b = Math.floor((this.chunk[i]! - start) / per);
      const slot = onlySlot(this.lo[i]!, this.hi[i]!);
      if (slot < 0) shared[b]!++;
      else {
        if (!bySlot.has(slot)) bySlot.set(slot, new Array<number>(buckets).fill(0));
        bySlot.get(slot)![b]!++;
      }
    }
    return { slots: [...bySlot].sort(([a], [b]) => a - b).map(([slot, counts]) => ({ slot, counts })), shared };
  }

  private lowerBound(chunk: number): number {
    let lo = 0;
    let hi = this.chunk.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.chunk[mid]! < chunk) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The slot when exactly one bit is set, else -1. */
function onlySlot(lo: number, hi: number): number {
  const one = (x: number): boolean => x !== 0 && (x & (x - 1)) === 0;
  if (hi === 0 && one(lo)) return 31 - Math.clz32(lo);
  if (lo === 0 && one(hi)) return 63 - Math.clz32(hi);
  return -1;
}

