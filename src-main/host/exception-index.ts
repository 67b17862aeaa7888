import { EXCEPTION_BYTES } from '../../src-core/shared/format/leaf.ts';
import { slotsOfHalves } from '../../src-core/shared/mask.ts';
import type { ExceptionStore } from '../../src-core/store.ts';
import { persistentOf, sharedOf } from './formats.ts';
import { lowerBound, orderBy } from './sort-order.ts';

/**
 * Every live exception by COW chunk: which origin chunk it copies and who reads it. The stores
 * answer by origin chunk; the occupancy map and a click on a chunk ask by COW chunk. Built on
 * demand, once per change of the store (session.ts drops it): one walk into typed arrays and a
 * radix sort, no object or BigInt per exception. A persistent index reads the store's own table
 * (no copy) and adds 4 bytes per exception; a shared one holds 28.
 */
export class ExceptionIndex {
  private constructor(
    /** COW chunk per entry. */
    private readonly chunk: Float64Array,
    /** Origin chunk per entry. */
    private readonly origin: Float64Array,
    /** Share mask halves per entry; null for a persistent store (one snapshot reads every exception). */
    private readonly lo: Uint32Array | null,
    private readonly hi: Uint32Array | null,
    /** Entries by ascending COW chunk (the persistent table's 'chunk' ordering too). */
    readonly byChunk: Uint32Array,
  ) {}

  static build(store: ExceptionStore): ExceptionIndex {
    const shared = sharedOf(store);
    if (!shared) {
      const t = persistentOf(store, 'the exception index').tableView();
      return new ExceptionIndex(t.newChunk, t.oldChunk, null, null, orderBy(t.newChunk));
    }
    const n = shared.info().exceptions;
    const chunk = new Float64Array(n);
    const origin = new Float64Array(n);
    const lo = new Uint32Array(n);
    const hi = new Uint32Array(n);
    let k = 0;
    shared.forEachLeafFrom(0, (leaf) => {
      for (let i = 0; i < leaf.count; i++) {
        const o = leaf.origin(i);
        for (let e = leaf.listStart(i); e < leaf.listStart(i + 1); e += EXCEPTION_BYTES, k++) {
          chunk[k] = leaf.exceptionChunk(e);
          origin[k] = o;
          lo[k] = leaf.shareLo(e);
          hi[k] = leaf.shareHi(e);
        }
      }
    });
    if (k !== n) throw new Error(`exception index: walked ${k} exceptions, the store counts ${n}`);
    return new ExceptionIndex(chunk, origin, lo, hi, orderBy(chunk));
  }

  get size(): number {
    return this.byChunk.length;
  }

  /** The exception stored in COW chunk `chunk` (with its table entry for a persistent store), or null. */
  find(chunk: number): { origin: number; slots: number[]; entry: number } | null {
    const at = lowerBound(this.byChunk, this.chunk, chunk);
    const e = this.byChunk[at];
    if (e === undefined || this.chunk[e] !== chunk) return null;
    return { origin: this.origin[e]!, slots: this.lo ? slotsOfHalves(this.lo[e]!, this.hi![e]!) : [0], entry: e };
  }

  /**
   * Exception chunks in [start, end) per bucket of `per` chunks, by who reads them: one snapshot
   * only (per slot, slots with none left out) or two or more (shared).
   */
  owners(start: number, end: number, per: number, buckets: number): { slots: { slot: number; counts: number[] }[]; shared: number[] } {
    const perSlot: (number[] | undefined)[] = [];
    const shared = new Array<number>(buckets).fill(0);
    const { byChunk, chunk, lo, hi } = this;
    for (let i = lowerBound(byChunk, chunk, start); i < byChunk.length; i++) {
      const e = byChunk[i]!;
      const c = chunk[e]!;
      if (c >= end) break;
      const b = Math.floor((c - start) / per);
      const slot = lo ? onlySlot(lo[e]!, hi![e]!) : 0;
      if (slot < 0) shared[b]!++;
      else (perSlot[slot] ??= new Array<number>(buckets).fill(0))[b]!++;
    }
    const slots: { slot: number; counts: number[] }[] = [];
    perSlot.forEach((counts, slot) => counts && slots.push({ slot, counts }));
    return { slots, shared };
  }
}

/** The slot when exactly one bit is set, else -1. */
function onlySlot(lo: number, hi: number): number {
  const one = (x: number): boolean => x !== 0 && (x & (x - 1)) === 0;
  if (hi === 0 && one(lo)) return 31 - Math.clz32(lo);
  if (lo === 0 && one(hi)) return 63 - Math.clz32(hi);
  return -1;
}
