/** What a store holds, for `info` and the overview: usage, snapshots with their counts, the header, notes. O(slots). */
import { SECTOR_BYTES } from '../../io/block-device.ts';
import type { SnapshotInfo, StoreInfo, StoreUsage } from '../../store.ts';
import type { StoreState } from './state.ts';
import { MERGE_UNTOUCHED_FLAG } from './limits.ts';

export function usage(s: StoreState): StoreUsage {
  const roles = s.tx.roles;
  const allocated = s.chunkCount - s.alloc.freeCount;
  const metadata = s.firstTreeChunk + roles.nodes.size + roles.leaves.size + roles.labels.size;
  return {
    totalChunks: s.chunkCount,
    allocatedChunks: allocated,
    metadataChunks: metadata,
    dataChunks: allocated - metadata,
    freeChunks: s.alloc.freeCount,
  };
}

/** Active snapshots with their labels and exception counts (kept by the engine: no walk). */
export function snapshots(s: StoreState): SnapshotInfo[] {
  const { total, unique } = s.counts.current(s.tree);
  const out: SnapshotInfo[] = [];
  for (let slot = 0; slot < 64; slot++) {
    if (!s.isActive(slot)) continue;
    const label = s.labels.get(slot);
    out.push({
      slot,
      name: label?.name ?? '',
      uuid: label?.uuid ?? '',
      created: label && label.created > 0 ? label.created : null,
      exceptions: total[slot]!,
      unique: unique[slot]!,
      shared: total[slot]! - unique[slot]!,
      bytes: total[slot]! * s.chunkBytes,
      ...(label?.lost === undefined ? {} : { lost: label.lost }),
      ...(s.damage?.tree ? { damaged: true } : {}),
    });
  }
  return out;
}

/**
 * The store at a glance. Notes are what the user must act on or know: the store is invalid, a
 * delete was interrupted, a merge is in progress. An ordinary read-only open is no note (`readOnly`).
 */
export function info(s: StoreState): StoreInfo {
  const snaps = snapshots(s);
  const exceptions = s.counts.current(s.tree).exceptions;
  // Read-only, memory changes nothing: the header as on disk (a damaged store's open clamps
  // chunk_count to the device and may read no label chain; `header:` shows the fields as they are).
  // A seed-written header has no chunk_count: the device's, as a commit would write it.
  const h = s.readOnly ? { ...s.hdr, chunkCount: s.hdr.extension ? s.hdr.chunkCount : s.chunkCount } : s.header();
  const notes = [...s.notes];
  const merging = snaps.find((snap) => snap.slot === h.mergeSlot);
  if (merging) {
    notes.push(
      `a merge of snapshot ${merging.slot} (${merging.name || 'unnamed'}) into the origin is in progress: ${h.mergeDone} chunks merged, ${merging.exceptions} to go; ` +
        'the origin is part rolled back until it ends (run merge again to finish it)',
    );
  }
  return {
    format: 'shared',
    device: s.cow.name,
    deviceBytes: s.cow.size,
    chunkBytes: s.chunkBytes,
    chunkSectors: s.chunkBytes / SECTOR_BYTES,
    chunkCount: s.chunkCount,
    valid: s.valid,
    readOnly: s.readOnly,
    version: h.version,
    exceptions,
    usage: usage(s),
    kernelStatus: null,
    snapshots: snaps,
    header: {
      magic: `0x${h.magic.toString(16)}`,
      valid: h.valid,
      version: h.version,
      chunk_size: h.chunkSectors,
      root_tree_chunk: h.rootChunk,
      snapmask: `0x${h.snapmask.toString(16).padStart(16, '0')}`,
      tree_level: h.treeLevel,
      label_chunk: h.labelChunk,
      generation: h.generation,
      ...(merging ? { merge_slot: h.mergeSlot, merge_done: h.mergeDone, merge_cursor: h.mergeCursor } : {}),
      chunk_count: h.chunkCount,
    },
    tree: { levels: s.tree.levels, nodes: s.tx.roles.nodes.size, leaves: s.tx.roles.leaves.size },
    merge: merging ? { slot: merging.slot, done: h.mergeDone, total: h.mergeDone + merging.exceptions, originUntouched: (h.extFlags & MERGE_UNTOUCHED_FLAG) !== 0 } : null,
    notes,
    ...(s.damage ? { damage: { errors: s.damage.errors, warnings: s.damage.warnings, first: s.damage.first } } : {}),
  };
}
