/** The checks a store operation makes before it changes anything; each throws a SnapscopeError. */
import { SnapscopeError } from '../../errors.ts';
import type { BlockDevice } from '../../io/block-device.ts';
import { checkWholeOriginChunk } from '../../origin-chunks.ts';
import { NO_MERGE_SLOT } from '../format/header.ts';
import { DELETING_FLAG, MAX_ORIGIN_CHUNKS } from './limits.ts';
import type { StoreState } from './state.ts';

export function checkWritable(s: StoreState): void {
  if (s.closed) throw new SnapscopeError('usage', `${s.cow.name}: the store is closed`, { device: s.cow.name });
  if (s.failedCommit !== null)
    throw new SnapscopeError('io', `${s.cow.name}: a commit failed (${s.failedCommit}); the store holds its last commit and takes no more writes until it is reopened`, { device: s.cow.name });
  if (s.readOnly) {
    const why = s.valid ? 'opened read-only' : 'marked invalid (valid = 0), so read-only';
    throw new SnapscopeError('read-only', `${s.cow.name}: the store is ${why}`, { device: s.cow.name });
  }
}

export function checkSlot(slot: number): void {
  if (!Number.isInteger(slot) || slot < 0 || slot > 63) throw new SnapscopeError('usage', `snapshot slot ${slot} is not 0..63`, { field: 'slot' });
}

/** `slot` is 0..63 and holds a snapshot. */
export function checkSnapshot(s: StoreState, slot: number): void {
  checkSlot(slot);
  if (!s.isActive(slot)) throw new SnapscopeError('not-found', `no snapshot in slot ${slot}`, { field: 'slot' });
}

/** While a merge is recorded, writes that would change what it moves, and deleting the merging snapshot, are refused. */
export function checkNotMerging(s: StoreState, what: string, slot?: number): void {
  const merging = s.hdr.mergeSlot;
  if (merging === NO_MERGE_SLOT || (slot !== undefined && slot !== merging)) return;
  throw new SnapscopeError('usage', `${s.cow.name}: cannot ${what} while snapshot ${merging} is being merged into the origin; run merge again to finish it first`, {
    device: s.cow.name,
    field: 'merge_slot',
  });
}

/** A snapshot a repair marked damaged is read or merged only when forced (docs/check.md § repair). */
export function checkIntact(s: StoreState, slot: number, what: string): void {
  const label = s.labels.get(slot);
  if (label?.lost === undefined || s.force) return;
  const lost = label.lost === 0xffffffff ? 'an unknown number of' : String(label.lost);
  throw new SnapscopeError('corrupt', `${s.cow.name}: snapshot ${slot} (${label.name}) lost ${lost} origin chunks in a repair, so ${what} would give wrong data; use --forensic to ${what} anyway (forensic recovery)`, {
    device: s.cow.name,
    field: 'entry.lost',
  });
}

/** The slot whose delete the header records as committed part-way (ext_flags), or null (also when that slot holds no snapshot). */
export function deletingSlot(s: StoreState): number | null {
  const slot = s.hdr.extFlags & 63;
  return (s.hdr.extFlags & DELETING_FLAG) !== 0 && s.isActive(slot) ? slot : null;
}

/**
 * A half-deleted snapshot reads incomplete data: reading, writing or merging it is refused (with
 * `slot`: only when it is that snapshot), and so is what would end with the record dropped (other
 * deletes and merges), until deleting it again finishes the delete.
 */
export function checkNotDeleting(s: StoreState, what: string, slot?: number): void {
  const d = deletingSlot(s);
  if (d === null || (slot !== undefined && slot !== d)) return;
  throw new SnapscopeError(
    'usage',
    `${s.cow.name}: cannot ${what}: snapshot ${d} was being deleted when the store was last written and holds incomplete data; run snapshot delete ${d} to finish the delete first`,
    { device: s.cow.name, field: 'ext_flags' },
  );
}

export function checkChunk(s: StoreState, chunk: number, from = s.firstTreeChunk): void {
  if (!Number.isInteger(chunk) || chunk < from || chunk >= s.chunkCount) {
    throw new SnapscopeError('not-found', `chunk ${chunk} is outside ${from}..${s.chunkCount - 1}`, { device: s.cow.name, chunk });
  }
}

export function checkOriginChunk(s: StoreState, chunk: number, origin: BlockDevice | undefined): void {
  if (!Number.isInteger(chunk) || chunk < 0) throw new SnapscopeError('usage', `origin chunk ${chunk} is not a chunk number`, { field: 'chunk' });
  if (chunk >= MAX_ORIGIN_CHUNKS) {
    throw new SnapscopeError('capacity', `origin chunk ${chunk} is at or above 2^32: leaves store origin chunks as 32-bit offsets from base_chunk 0`, { chunk });
  }
  if (origin) checkWholeOriginChunk(origin, s.chunkBytes, chunk);
}

export function checkSpan(s: StoreState, data: Uint8Array, offset: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + data.length > s.chunkBytes) {
    throw new SnapscopeError('usage', `a write of ${data.length} bytes at offset ${offset} does not fit one ${s.chunkBytes}-byte chunk`);
  }
}

/** One origin chunk's exception list must fit a leaf: fail before changing anything. */
export function checkListRoom(s: StoreState, chunk: number, n: number): void {
  if (n + 1 > s.maxExceptionsPerOrigin) {
    throw new SnapscopeError(
      'capacity',
      `origin chunk ${chunk} already has ${n} distinct copies, the most one ${s.chunkBytes}-byte leaf can hold (${s.maxExceptionsPerOrigin}); the write was refused and the store is unchanged`,
      { chunk },
    );
  }
}

/** Free chunks one insert may need at worst: data, the shadowed path, and splits up to a new root. */
export function reserveInsert(s: StoreState): void {
  reserve(s, 2 + 4 * (s.tree.levels + 3));
}

export function reserve(s: StoreState, chunks: number): void {
  if (s.alloc.freeCount < chunks) {
    throw new SnapscopeError('no-space', `${s.cow.name} is full (${s.alloc.freeCount} free chunks, the operation may need ${chunks}); the store is unchanged`, { device: s.cow.name });
  }
}
