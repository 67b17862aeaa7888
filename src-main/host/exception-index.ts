import { EXCEPTION_BYTES } from '../../src-core/shared/format/leaf.ts';
import { slotsOfHalves } from '../../src-core/shared/mask.ts';
import type { ExceptionStore } from '../../src-core/store.ts';
import { requirePersistent, sharedOf } from '../../src-core/formats.ts';
import { lowerBound, nextTurn, orderByChunked } from './sort-order.ts';

/** Work per slice of a build before the engine thread serves other calls. */
const SLICE_MS = 15;

/**
 * Every live exception by COW chunk: which origin chunk it copies and who reads it. The stores
 * answer by origin chunk; the occupancy map and a click on a chunk ask by COW chunk. Built on
 * demand, once per change of the store (session.ts drops it): one walk into typed arrays and a
 * radix sort, no object or BigInt per exception, in slices that let other calls through. A persistent index reads the store's own table
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

  static build(store: ExceptionStore): Promise<ExceptionIndex> {
    return ExceptionIndex.buildChunked(store, () => false).then((index) => index!);
  }

  /**
   * Builds in slices of about SLICE_MS, yielding between them so other calls (another client's,
   * a cancel) are served meanwhile; null as soon as `stale` says the store changed.
   */
  static async buildChunked(store: ExceptionStore, stale: () => boolean): Promise<ExceptionIndex | null> {
    const shared = sharedOf(store);
    if (!shared) {
      const t = requirePersistent(store, 'index its exceptions').tableView();
      const order = await orderByChunked(t.newChunk, stale);
      return order && new ExceptionIndex(t.newChunk, t.oldChunk, null, null, order);
    }
    const n = shared.info().exceptions;
    const chunk = new Float64Array(n);
    const origin = new Float64Array(n);
    const lo = new Uint32Array(n);
    const hi = new Uint32Array(n);
    let k = 0;
    // Leaf by leaf from `next`; a slice ends after a whole leaf, and the walk resumes past its last origin.
    for (let next: number | null = 0; next !== null; ) {
      const from: number = next;
      next = null;
      const end = performance.now() + SLICE_MS;
      shared.forEachLeafFrom(from, (leaf) => {
        for (let i = 0; i < leaf.count; i++) {
          const o = leaf.origin(i);
          if (o < from) continue;
          for (let e = leaf.listStart(i); e < leaf.listStart(i + 1); e += EXCEPTION_BYTES, k++) {
            if (k >= n) throw new Error(`exception index: the store counts ${n} exceptions, the walk finds more`);
            chunk[k] = leaf.exceptionChunk(e);
            origin[k] = o;
            lo[k] = leaf.shareLo(e);
            hi[k] = leaf.shareHi(e);
          }
        }
        if (leaf.count === 0 || performance.now() < end) return true;
        next = leaf.origin(leaf.count - 1) + 1;
        return false;
      });
      if (next !== null) {
        await nextTurn();
        if (stale()) return null;
      }
    }
    if (k !== n) throw new Error(`exception index: walked ${k} exceptions, the store counts ${n}`);
    const order = await orderByChunked(chunk, stale);
    return order && new ExceptionIndex(chunk, origin, lo, hi, order);
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
    if (!lo) {
      // One snapshot reads every exception: a bucket's count is the distance between the binary
      // searches of its edges, O(buckets × log n) instead of a read of every exception in range.
      const counts = new Array<number>(buckets).fill(0);
      let total = 0;
      for (let b = 0, at = lowerBound(byChunk, chunk, start); b < buckets; b++) {
        const next = lowerBound(byChunk, chunk, Math.min(end, start + (b + 1) * per));
        total += counts[b] = next - at;
        at = next;
      }
      return { slots: total > 0 ? [{ slot: 0, counts }] : [], shared };
    }
    for (let i = lowerBound(byChunk, chunk, start); i < byChunk.length; i++) {
      const e = byChunk[i]!;
      const c = chunk[e]!;
      if (c >= end) break;
      const b = Math.floor((c - start) / per);
      const slot = onlySlot(lo[e]!, hi![e]!);
      if (slot < 0) shared[b]!++;
      else (perSlot[slot] ??= new Array<number>(buckets).fill(0))[b]!++;
    }
    const slots: { slot: number; counts: number[] }[] = [];
    perSlot.forEach((counts, slot) => counts && slots.push({ slot, counts }));
    return { slots, shared };
  }
}

/** The slot when exactly one bit is set, else -1. Called per exception: no closure inside (tsx's keepNames wraps each one created). */
function onlySlot(lo: number, hi: number): number {
  if (hi === 0 && oneBit(lo)) return 31 - Math.clz32(lo);
  if (lo === 0 && oneBit(hi)) return 63 - Math.clz32(hi);
  return -1;
}

function oneBit(x: number): boolean {
  return x !== 0 && (x & (x - 1)) === 0;
}
