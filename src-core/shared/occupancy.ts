import type { ChunkRoles } from './txn/roles.ts';
import type { Occupancy } from '../occupancy.ts';
import { SHARED_CHUNK_ROLES, type SharedChunkRole } from './types.ts';

/**
 * Role counts per bucket: allocated chunks from the bitmap, then each metadata chunk moved from
 * 'exception' to its role. Costs the allocator's count over the range (a bitmap chunk not held
 * is all free, one whole is its count) plus O(metadata chunks).
 */
export function countOccupancy(alloc: { countUsed(from: number, to: number): number }, roles: ChunkRoles, firstTreeChunk: number, start: number, end: number, buckets: number): Occupancy {
  const span = Math.max(0, end - start);
  const width = Math.max(1, Math.ceil(span / buckets));
  const n = Math.ceil(span / width);
  const counts = Object.fromEntries(SHARED_CHUNK_ROLES.map((r) => [r, new Array<number>(n).fill(0)])) as Record<SharedChunkRole, number[]>;
  for (let b = 0; b < n; b++) {
    const s = start + b * width;
    const e = Math.min(end, s + width);
    const used = alloc.countUsed(s, e);
    counts.free[b] = e - s - used;
    counts.exception[b] = used;
    const reservedEnd = Math.min(e, firstTreeChunk);
    for (let c = s; c < reservedEnd; c++) {
      counts[c === 0 ? 'header' : 'bitmap'][b]!++;
      counts.exception[b]!--;
    }
  }
  const attribute = (set: Iterable<number>, role: SharedChunkRole) => {
    for (const c of set) {
      if (c < start || c >= end) continue;
      const b = Math.floor((c - start) / width);
      counts[role][b]!++;
      counts.exception[b]!--;
    }
  };
  attribute(roles.nodes, 'node');
  attribute(roles.leaves, 'leaf');
  attribute(roles.labels, 'label');
  attribute(roles.pendingFree, 'pending-free');
  return { start, end, buckets: n, chunksPerBucket: n > 0 ? width : 0, counts };
}
