/** The allocation map of either format: chunks per role in equal buckets of a chunk range. */
import type { ChunkRole } from './events.ts';

/** 'pending-free': freed by the last transaction, reusable after the next commit (shared store). */
export type OccupancyRole = ChunkRole | 'free' | 'pending-free';

export interface Occupancy {
  start: number;
  end: number;
  /** Buckets actually returned (≤ asked; never more than end - start). */
  buckets: number;
  /** Chunks per bucket (the last bucket may hold fewer). */
  chunksPerBucket: number;
  /** counts[role][b] = chunks of that role in bucket b; roles absent are all zero. */
  counts: Partial<Record<OccupancyRole, number[]>>;
}
