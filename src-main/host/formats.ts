import type { OccupancyResult } from '../../src-core/api/dto.ts';
import { ApiError } from '../../src-core/api/errors.ts';
import { PersistentStore } from '../../src-core/persistent/index.ts';
import { SharedStore } from '../../src-core/shared/index.ts';
import type { ExceptionStore } from '../../src-core/store.ts';

export function sharedOf(store: ExceptionStore): SharedStore | null {
  return store instanceof SharedStore ? store : null;
}

/** The persistent store behind `store`, or an 'unsupported' error naming what the shared store lacks. */
export function persistentOf(store: ExceptionStore, what: string): PersistentStore {
  if (store instanceof PersistentStore) return store;
  throw new ApiError('unsupported', `${what}: only a persistent COW has this; ${store.cow.name} is a ${store.format} store`, { device: store.cow.name });
}

/** Occupancy of either format in the contract's shape (the shared engine answers bucket objects). */
export function occupancyOf(store: ExceptionStore, start: number, end: number, buckets: number): OccupancyResult {
  const shared = sharedOf(store);
  if (!shared) return persistentOf(store, 'occupancy').occupancy(start, end, buckets);
  const list = shared.occupancy(start, end, buckets);
  const counts: OccupancyResult['counts'] = {};
  list.forEach((b, i) => {
    for (const [role, n] of Object.entries(b.counts) as [keyof typeof b.counts, number][]) (counts[role] ??= new Array<number>(list.length).fill(0))[i] = n;
  });
  return { start, end, buckets: list.length, chunksPerBucket: list[0] ? list[0].end - list[0].start : 0, counts };
}
