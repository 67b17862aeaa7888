import type { ChunkInfoResult, OccupancyRole } from '../../../src-core/api/dto.ts';
import { ApiError } from '../../../src-core/api/errors.ts';
import type { HostContext, Handlers } from '../context.ts';
import { sharedOf } from '../../../src-core/formats.ts';
import { pathTo } from '../tree-read.ts';

/** The allocation map of either format: roles per bucket, and one chunk in detail. */
export function occupancyCalls(ctx: HostContext): Handlers<'occupancy' | 'chunkInfo'> {
  return {
    occupancy: async ({ session, start, end, buckets, bySnapshot = false }) => {
      const s = ctx.session(session);
      if (end > s.store.chunkCount || start >= end) {
        throw new ApiError('bad-request', `occupancy range [${start}, ${end}) is not a non-empty range within the COW's ${s.store.chunkCount} chunks`, { field: 'end' });
      }
      const result = s.store.occupancy(start, end, buckets);
      return bySnapshot ? { ...result, owners: (await s.exceptionIndex()).owners(start, end, result.chunksPerBucket, result.buckets) } : result;
    },
    chunkInfo: async ({ session, chunk }) => {
      const s = ctx.session(session);
      s.requireChunk(chunk);
      const counts = s.store.occupancy(chunk, chunk + 1, 1).counts;
      const role = (Object.keys(counts) as OccupancyRole[]).find((r) => counts[r]![0] === 1) ?? 'free';
      // 'free' too: in a damaged store the tree may map a chunk its bitmap calls free (check: s-bitmap-free).
      const found = role === 'exception' || role === 'data' || role === 'free' ? (await s.exceptionIndex()).find(chunk) : null;
      const result: ChunkInfoResult = { chunk, role, exception: null };
      if (!found) return result;
      const { origin, slots, entry } = found;
      if (sharedOf(s.store)) return { ...result, exception: { origin, slots, leaf: pathTo(s.store, origin).leaf, entry: null } };
      return { ...result, exception: { origin, slots, leaf: null, entry } };
    },
  };
}
