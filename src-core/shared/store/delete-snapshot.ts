/** Deleting a snapshot, or clearing its bit from a range of origin chunks, on a possibly nearly full COW. */
import type { LeafClearing } from '../format/leaf-clearing.ts';
import { slotBit, toBigMask } from '../mask.ts';
import { commit } from './commit.ts';
import { checkNotDeleting, checkNotMerging, checkSnapshot, checkWritable, deletingSlot, reserve } from './guards.ts';
import { DELETING_FLAG } from './limits.ts';
import type { StoreState } from './state.ts';

/**
 * Clears the slot's bit in every exception, frees exceptions no snapshot uses any more, merges
 * underfull leaves and nodes, drops levels, frees the slot and its label. Durable at the next commit.
 */
export function deleteSnapshot(s: StoreState, slot: number): void {
  checkWritable(s);
  checkSnapshot(s, slot);
  checkNotMerging(s, `delete snapshot ${slot}`, slot);
  // Finishing a recorded delete is the way out; another delete would overwrite its record.
  if (deletingSlot(s) !== slot) checkNotDeleting(s, `delete snapshot ${slot}`);
  const lo = slot < 32 ? slotBit(slot) : 0;
  const hi = slot < 32 ? 0 : slotBit(slot);
  // The header records the delete in progress at each pause's commit.
  clearBitsPausing(s, lo, hi, 0, Infinity, () => (s.hdr.extFlags = DELETING_FLAG | slot));
  s.hdr.extFlags = 0;
  s.setMask((s.snapLo & ~lo) >>> 0, (s.snapHi & ~hi) >>> 0);
  s.labels.delete(slot);
  s.labelsDirty = true;
  s.tx.touch();
  s.tx.trim();
  s.events?.({ type: 'snapshot-delete', slot });
}

/**
 * Clears snapshot `slot`'s bit from the exceptions of origin chunks [from, to), freeing those no
 * snapshot reads any more. On a nearly full COW it commits part-way (see deleteSnapshot). Durable
 * at the next commit.
 */
export function clearSlot(s: StoreState, slot: number, from: number, to: number): void {
  checkWritable(s);
  checkSnapshot(s, slot);
  clearBitsPausing(s, slot < 32 ? slotBit(slot) : 0, slot < 32 ? 0 : slotBit(slot), from, to, () => {});
  s.tx.trim();
}

/**
 * Clears lo/hi (one slot's bit: the counts take a freed exception's mask to be it) in origins [from, to). Shadowing needs free chunks: on a nearly full COW the walk
 * pauses, `beforeCommit` records why in the header, a commit frees what the walk released, and
 * the walk resumes.
 */
function clearBitsPausing(s: StoreState, lo: number, hi: number, from: number, to: number, beforeCommit: () => void): void {
  const margin = 4 * (s.tree.levels + 3);
  reserve(s, margin);
  let freed = 0;
  const events = s.events;
  const { counts, tx } = s;
  const onCleared = (cleared: LeafClearing, leaf: number): void => {
    const unshared = cleared.unshared;
    for (let k = cleared.unsharedAt; k < unshared.length; k += 4) {
      const nlo = unshared[k + 2]!;
      const nhi = unshared[k + 3]!;
      counts.change((nlo | lo) >>> 0, (nhi | hi) >>> 0, nlo, nhi);
      events?.({ type: 'exception-unshare', origin: unshared[k]!, chunk: unshared[k + 1]!, share: toBigMask(nlo, nhi), leaf });
    }
    const dropped = cleared.freed;
    const at = cleared.freedAt;
    freed += (dropped.length - at) >>> 1;
    if (events === undefined) {
      // Nothing hears them one by one: a leaf's frees go to the counts and the transaction at once.
      counts.remove(lo, hi, (dropped.length - at) >>> 1);
      tx.freeExceptions(dropped, at + 1, 2);
      return;
    }
    for (let k = at; k < dropped.length; k += 2) {
      const chunk = dropped[k + 1]!;
      counts.remove(lo, hi);
      tx.free(chunk, 'exception');
      events({ type: 'exception-free', origin: dropped[k]!, chunk, leaf });
    }
  };
  for (let resume = from; ; ) {
    const paused = s.tree.clearBits(lo, hi, onCleared, resume, margin, to);
    if (paused === null) return;
    if (freed === 0 && paused === resume) reserve(s, Infinity);
    beforeCommit();
    commit(s);
    freed = 0;
    resume = paused;
  }
}
