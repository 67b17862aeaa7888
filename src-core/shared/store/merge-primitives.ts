/**
 * What the merge (../merge/) is built on: the header's merge record, and adding exceptions in
 * batches (docs/format-shared.md § Merge).
 */
import { SnapscopeError } from '../../errors.ts';
import { NO_MERGE_SLOT } from '../format/header.ts';
import { EXCEPTION_BYTES } from '../format/leaf.ts';
import { maskHi, maskLo } from '../mask.ts';
import type { MergeRecord, NewException } from '../types.ts';
import { MERGE_UNTOUCHED_FLAG } from './limits.ts';
import { checkIntact, checkListRoom, checkOriginChunk, checkSnapshot, checkWritable, reserve, reserveInsert } from './guards.ts';
import type { StoreState } from './state.ts';

/** The merge of a snapshot into the origin that the header records, or null. */
export function mergeRecord(s: StoreState): MergeRecord | null {
  const h = s.hdr;
  return h.mergeSlot === NO_MERGE_SLOT ? null : { slot: h.mergeSlot, done: h.mergeDone, cursor: h.mergeCursor };
}

/** Records the merge in progress, or with null that none is. Durable at the next commit. */
export function recordMerge(s: StoreState, rec: MergeRecord | null): void {
  checkWritable(s);
  if (rec) checkSnapshot(s, rec.slot);
  if (rec) checkIntact(s, rec.slot, 'merging it');
  // A new record of a merge that has moved nothing says so until its first origin write (mergeWritesOrigin).
  if (!rec) s.hdr.extFlags &= ~MERGE_UNTOUCHED_FLAG;
  else if (s.hdr.mergeSlot === NO_MERGE_SLOT && rec.done === 0) s.hdr.extFlags |= MERGE_UNTOUCHED_FLAG;
  s.hdr.extFlags >>>= 0;
  s.hdr.mergeSlot = rec ? rec.slot : NO_MERGE_SLOT;
  s.hdr.mergeDone = rec ? rec.done : 0;
  s.hdr.mergeCursor = rec ? rec.cursor : 0;
  s.tx.touch();
}

/** Whether the recorded merge has written nothing to the origin yet (the header's own word, so it survives a restart). */
export function mergeUntouched(s: StoreState): boolean {
  return s.hdr.mergeSlot !== NO_MERGE_SLOT && (s.hdr.extFlags & MERGE_UNTOUCHED_FLAG) !== 0;
}

/** The recorded merge is about to write the origin: it can no longer be abandoned. Commit before that write. */
export function mergeWritesOrigin(s: StoreState): void {
  checkWritable(s);
  s.hdr.extFlags = (s.hdr.extFlags & ~MERGE_UNTOUCHED_FLAG) >>> 0;
  s.tx.touch();
}

/**
 * Adds one exception per item, shared by exactly `share`, in a new chunk; returns the chunks in
 * item order. Origins ascend, and no snapshot in `share` may have a copy of its origin already.
 * The chunks are allocated before any tree change (so runs of items get runs of chunks) and
 * `fill` writes their data; when it or an insert fails, the chunks not yet in the tree are freed.
 * Durable at the next commit.
 */
export function addExceptions(s: StoreState, items: readonly NewException[], fill: (chunks: readonly number[]) => void): number[] {
  checkWritable(s);
  let prev = -1;
  for (const { origin, share } of items) {
    checkOriginChunk(s, origin, undefined);
    if (origin <= prev) throw new SnapscopeError('usage', `origin chunks must ascend (${origin} after ${prev})`, { chunk: origin });
    prev = origin;
    const lo = maskLo(share);
    const hi = maskHi(share);
    if ((lo === 0 && hi === 0) || share >> 64n !== 0n || (lo & ~s.snapLo) !== 0 || (hi & ~s.snapHi) !== 0) {
      throw new SnapscopeError('usage', `share mask 0x${share.toString(16)} is empty or names a slot without a snapshot`, { chunk: origin });
    }
    const leaf = s.tree.probe(origin);
    const i = leaf.find(origin);
    const end = i >= 0 ? leaf.listStart(i + 1) : 0;
    for (let e = i >= 0 ? leaf.listStart(i) : 0; e < end; e += EXCEPTION_BYTES) {
      if ((leaf.shareLo(e) & lo) !== 0 || (leaf.shareHi(e) & hi) !== 0) {
        throw new SnapscopeError('usage', `origin chunk ${origin}: a snapshot in 0x${share.toString(16)} already has a copy`, { chunk: origin });
      }
    }
    checkListRoom(s, origin, i >= 0 ? (end - leaf.listStart(i)) / EXCEPTION_BYTES : 0);
  }
  reserve(s, items.length + 2 + 4 * (s.tree.levels + 3));
  const chunks = items.map(() => s.tx.allocate('exception'));
  let added = 0;
  try {
    fill(chunks);
    for (; added < items.length; added++) {
      const { origin, share } = items[added]!;
      reserveInsert(s);
      s.tree.addException(origin, maskLo(share), maskHi(share), chunks[added]!);
      s.counts.add(maskLo(share), maskHi(share));
      s.tx.trim();
    }
  } catch (e) {
    for (let k = added; k < chunks.length; k++) s.tx.free(chunks[k]!, 'exception');
    throw e;
  }
  return chunks;
}
