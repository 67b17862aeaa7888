import type { OccupancyResult } from '../../src-core/api/dto.ts';
import { ApiError } from '../../src-core/api/errors.ts';
import { PersistentStore } from '../../src-core/persistent/index.ts';
import type { ExceptionStore } from '../../src-core/store.ts';

/** What the host needs of the shared store beyond ExceptionStore. */
export interface SharedStoreOps extends ExceptionStore {
  createSnapshot(opts: { name?: string; slot?: number }): number;
  deleteSnapshot(slot: number): void;
  renameSnapshot(slot: number, name: string): void;
  occupancy(start: number, end: number, buckets: number): OccupancyResult;
}

export function sharedOf(store: ExceptionStore): SharedStoreOps | null {
  return store.format === 'shared' ? (store as SharedStoreOps) : null;
}

/** The persistent store behind `store`, or an 'unsupported' error naming what the shared store lacks. */
export function persistentOf(store: ExceptionStore, what: string): PersistentStore {
  if (store instanceof PersistentStore) return store;
  throw new ApiError('unsupported', `${what}: only a persistent COW has this; ${store.cow.name} is a ${store.format} store`, { device: store.cow.name });
}
