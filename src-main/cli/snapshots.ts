import { SnapscopeError } from '../../src-core/errors.ts';
import { SharedStore } from '../../src-core/shared/index.ts';
import type { ExceptionStore, SnapshotInfo } from '../../src-core/store.ts';

/**
 * Snapshot management exists only in the shared format: a persistent COW is one snapshot, made
 * and removed with its dm table. These narrow the store and say so in words otherwise.
 */
export function sharedStore(store: ExceptionStore, action: string): SharedStore {
  if (store instanceof SharedStore) return store;
  throw new SnapscopeError(
    'unsupported',
    `cannot ${action}: ${store.cow.name} is a persistent COW, which holds exactly one snapshot ('snap'); a new snapshot needs a new COW (snapscope format persistent)`,
    { device: store.cow.name },
  );
}

export function createSnapshot(store: ExceptionStore, opts: { name?: string; slot?: number }): SnapshotInfo {
  return sharedStore(store, 'create a snapshot').createSnapshot(opts);
}

export function deleteSnapshot(store: ExceptionStore, slot: number): void {
  sharedStore(store, 'delete a snapshot').deleteSnapshot(slot);
}
