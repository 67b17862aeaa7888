import type { ChunkInfoResult, OccupancyResult } from '../../src-core/api/contract.ts';
import { ROLE_LABELS } from '../viz/colors.ts';
import { toViewError, type ViewError } from './errors.ts';
import type { SliceCreator } from './types.ts';

export interface OccupancySlice {
  /** Buckets of the range the map shows; canvases `subscribe` to it and repaint without React. */
  occupancy: OccupancyResult | null;
  occupancyError: ViewError | null;
  /** Asks for [start, end) in `buckets`, with who reads the exception data; a newer request wins. */
  loadOccupancy(start: number, end: number, buckets: number): Promise<void>;
  /** What one COW chunk holds (hover), or null when it cannot be asked. */
  chunkInfo(chunk: number): Promise<ChunkInfoResult | null>;
  /**
   * Goes where a chunk leads: exception data to the leaf that maps it (shared) or its table entry
   * (persistent), a leaf to itself. Answers why not when it leads nowhere.
   */
  openChunk(chunk: number): Promise<string | null>;
}

/**
 * Spans past this many chunks get the roles first (one bitmap pass) and the owners after (a pass
 * over every exception in range), so a million-exception store paints at once and refines.
 */
const ROLES_FIRST_SPAN = 250_000;

export const createOccupancySlice: SliceCreator<OccupancySlice> = (client) => (set, get) => {
  let latest = 0;
  return {
    occupancy: null,
    occupancyError: null,

    async loadOccupancy(start, end, buckets) {
      const session = get().session?.session;
      if (!session || end <= start) return;
      const ticket = ++latest;
      const args = { session, start, end, buckets };
      const fresh = (): boolean => ticket === latest && get().session?.session === session;
      try {
        const owners = client.occupancy({ ...args, bySnapshot: true });
        if (end - start > ROLES_FIRST_SPAN) {
          const roles = await client.occupancy(args);
          if (fresh()) set({ occupancy: roles, occupancyError: null });
        }
        const occupancy = await owners;
        if (fresh()) set({ occupancy, occupancyError: null });
      } catch (e) {
        if (fresh()) set({ occupancyError: toViewError(e) });
      }
    },

    async chunkInfo(chunk) {
      const session = get().session?.session;
      if (!session) return null;
      try {
        return await client.chunkInfo({ session, chunk });
      } catch {
        return null; // a hover that races a close or a commit: the next hover asks again
      }
    },

    async openChunk(chunk) {
      const session = get().session?.session;
      if (!session) return 'No store is open.';
      let info: ChunkInfoResult;
      try {
        info = await client.chunkInfo({ session, chunk });
      } catch (e) {
        return toViewError(e).message;
      }
      const x = info.exception;
      if (x && x.leaf !== null) {
        await get().openLeaf(x.leaf, x.origin);
        return null;
      }
      if (x && x.entry !== null) {
        get().setQuery({ originFrom: x.origin, originTo: x.origin });
        get().navigate('persistent');
        return null;
      }
      if (info.role === 'leaf') {
        await get().openLeaf(chunk);
        return null;
      }
      const what = ROLE_LABELS[info.role] ?? info.role;
      return `Chunk ${chunk} holds ${what === 'free' ? 'nothing (it is free)' : what}; exception data and leaf chunks lead to a leaf.`;
    },
  };
};
