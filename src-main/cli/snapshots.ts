import { requireShared } from '../../src-core/formats.ts';
import type { ExceptionStore, SnapshotInfo } from '../../src-core/store.ts';

/** Snapshot management exists only in the shared format: a persistent COW is one snapshot, made and removed with its dm table. */
export function createSnapshot(store: ExceptionStore, opts: { name?: string; slot?: number }): SnapshotInfo {
  return requireShared(store, 'create a snapshot').createSnapshot(opts);
}

export function deleteSnapshot(store: ExceptionStore, slot: number): void {
  requireShared(store, 'delete a snapshot').deleteSnapshot(slot);
}
