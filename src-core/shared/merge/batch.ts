/**
 * One batch of a shared merge: snapshot S's next exceptions in ascending origin order, with what
 * each origin chunk needs (docs/format-shared.md § Merge). A read-only scan fills it; the merge
 * task and the plan both partition the work with it, so a dry run sees the engine's batches.
 */
import { EXCEPTION_BYTES } from '../format/leaf.ts';
import { maskHi, maskLo, slotBit } from '../mask.ts';
import type { SharedStore } from '../shared-store.ts';

export class MergeBatch {
  count = 0;
  /** Items whose other readers of the origin need a copy first. */
  copies = 0;
  /** Items whose exception only S reads: freed by the clear. */
  frees = 0;
  /** Distinct leaves holding the items. */
  leaves = 0;
  /** The first origin chunk after the batch: where the next one starts. */
  end = 0;
  readonly origins: Uint32Array;
  /** The COW chunk of S's exception for each origin. */
  readonly sources: Uint32Array;
  /** Active snapshots that read the origin at that chunk (the origin rule's `need`), as halves. */
  readonly needLo: Uint32Array;
  readonly needHi: Uint32Array;
  /** Length of the origin's exception list. */
  readonly lists: Uint32Array;
  /** Items the next scan takes at most (≤ limit): a merge sized by time lowers it. */
  take: number;
  /** Of them, items that need a copy first: a merge sized by time bounds its copies step (one transaction) too. */
  takeCopies: number;

  constructor(readonly limit: number) {
    this.origins = new Uint32Array(limit);
    this.sources = new Uint32Array(limit);
    this.needLo = new Uint32Array(limit);
    this.needHi = new Uint32Array(limit);
    this.lists = new Uint32Array(limit);
    this.take = limit;
    this.takeCopies = limit;
  }

  needsCopy(k: number): boolean {
    return this.needLo[k] !== 0 || this.needHi[k] !== 0;
  }
}

/** Fills `batch` with up to `batch.take` of snapshot `slot`'s exceptions at origin chunks ≥ `from`, at most `batch.takeCopies` of them needing a copy. */
export function scanBatch(store: SharedStore, slot: number, from: number, batch: MergeBatch): void {
  const active = store.header().snapmask;
  const activeLo = maskLo(active);
  const activeHi = maskHi(active);
  const bitLo = slot < 32 ? slotBit(slot) : 0;
  const bitHi = slot < 32 ? 0 : slotBit(slot);
  batch.count = batch.copies = batch.frees = batch.leaves = 0;
  store.forEachLeafFrom(from, (leaf) => {
    if ((leaf.usingLo & bitLo) === 0 && (leaf.usingHi & bitHi) === 0) return true;
    const at = leaf.find(from);
    let found = false;
    for (let i = at >= 0 ? at : -at - 1; i < leaf.count; i++) {
      let usingLo = 0;
      let usingHi = 0;
      let source = -1;
      let alone = false;
      const start = leaf.listStart(i);
      const end = leaf.listStart(i + 1);
      for (let e = start; e < end; e += EXCEPTION_BYTES) {
        const lo = leaf.shareLo(e);
        const hi = leaf.shareHi(e);
        usingLo |= lo;
        usingHi |= hi;
        if ((lo & bitLo) !== 0 || (hi & bitHi) !== 0) {
          source = leaf.exceptionChunk(e);
          alone = lo === bitLo && hi === bitHi;
        }
      }
      if (source < 0) continue;
      const needLo = (activeLo & ~usingLo) >>> 0;
      const needHi = (activeHi & ~usingHi) >>> 0;
      if (batch.count === batch.take || ((needLo | needHi) !== 0 && batch.copies === batch.takeCopies)) {
        if (found) batch.leaves++; // the batch ends inside this leaf: it is shadowed too
        return false;
      }
      const k = batch.count++;
      // Below 2^32: the walk refuses (s-leaf-key-range) any leaf with an origin at or above it, and reads only leaves it vouched for.
      batch.origins[k] = leaf.origin(i);
      batch.sources[k] = source;
      batch.needLo[k] = needLo;
      batch.needHi[k] = needHi;
      batch.lists[k] = (end - start) / EXCEPTION_BYTES;
      if (batch.needsCopy(k)) batch.copies++;
      if (alone) batch.frees++;
      found = true;
    }
    if (found) batch.leaves++;
    return true;
  });
  batch.end = batch.count ? batch.origins[batch.count - 1]! + 1 : from;
}

/** Calls `visit(first, count)` for each run of consecutive origin chunks in the batch (and, with `sources`, consecutive source chunks too). */
export function forEachRun(batch: MergeBatch, sources: boolean, visit: (first: number, count: number) => void): void {
  const { origins, count } = batch;
  for (let k = 0; k < count; ) {
    let n = 1;
    while (k + n < count && origins[k + n] === origins[k]! + n && (!sources || batch.sources[k + n] === batch.sources[k]! + n)) n++;
    visit(k, n);
    k += n;
  }
}
