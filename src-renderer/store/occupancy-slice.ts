import type { ChunkInfoResult, OccupancyResult } from '../../src-core/api/contract.ts';
import { ROLE_LABELS } from '../viz/colors.ts';
import { toViewError, type ViewError } from './errors.ts';
import { newestOnly } from './newest-only.ts';
import { summaryInSlices } from './summary-slices.ts';
import type { SliceCreator } from './types.ts';

export interface OccupancySlice {
  /**
   * The whole device in SUMMARY_BUCKETS buckets with who reads the data: the maps paint every
   * frame of a pan or zoom from it (viz/occupancy-summary.ts), and ask for `occupancy` only where
   * it is too coarse. Refetched when the store changes.
   */
  occupancySummary: OccupancyResult | null;
  loadOccupancySummary(): Promise<void>;
  /** Detail: finer buckets of a window around the view, when the summary is too coarse there. */
  occupancy: OccupancyResult | null;
  occupancyError: ViewError | null;
  /** Asks for [start, end) in `buckets`, with who reads the exception data; the latest request wins. */
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

/** Buckets of the whole-device summary: at 10M chunks one bucket is 306 chunks, a few pixels' worth. */
export const SUMMARY_BUCKETS = 1 << 15;

interface Request {
  session: string;
  start: number;
  end: number;
  buckets: number;
}

export const createOccupancySlice: SliceCreator<OccupancySlice> = (client) => (set, get) => {
  /** The detail: a burst of zooms must not queue a pass over every exception per frame. A request overtaken while in flight skips its owners pass. */
  const detail = newestOnly(async (r: Request): Promise<void> => {
    const stale = (): boolean => detail.waiting() || get().session?.session !== r.session;
    const args = { session: r.session, start: r.start, end: r.end, buckets: r.buckets };
    try {
      if (r.end - r.start > ROLES_FIRST_SPAN) {
        const roles = await client.occupancy(args);
        if (stale()) return;
        set({ occupancy: roles, occupancyError: null });
      }
      const occupancy = await client.occupancy({ ...args, bySnapshot: true });
      if (!stale()) set({ occupancy, occupancyError: null });
    } catch (e) {
      if (!stale()) set({ occupancyError: toViewError(e) });
    }
  });

  /**
   * The summary, like the detail: one pass in flight, and one more after it when the store changed
   * meanwhile (a merge changes it about ten times a second; each pass reads the whole device).
   * A newer request is a newer revision of the store.
   */
  let summaryFor: string | null = null;
  const summaries = newestOnly<void>(async (): Promise<void> => {
    const session = get().session?.session;
    const total = get().info?.chunkCount ?? 0;
    if (!session || total === 0) return;
    const revision = get().revision;
    const key = `${session} ${revision}`;
    if (summaryFor === key) return;
    summaryFor = key;
    const args = { session, start: 0, end: total, buckets: Math.min(total, SUMMARY_BUCKETS) };
    // A pass overtaken by a change still shows (it is the newest finished); another session's does not.
    const gone = (): boolean => get().session?.session !== session;
    try {
      if (total > ROLES_FIRST_SPAN) {
        const roles = await client.occupancy(args);
        if (gone()) return;
        set({ occupancySummary: roles, occupancyError: null });
        // The store changed meanwhile: the owners pass is for the newer state, at once.
        if (get().revision !== revision) {
          void summaries.ask();
          return;
        }
      }
      // Who reads the data, a slice at a time (other requests are served between them); a slice
      // that finds the store changed leaves the rest to the pass for the newer state, at once.
      const moved = (): boolean => gone() || get().revision !== revision;
      const summary = await summaryInSlices((r) => client.occupancy({ session, ...r, bySnapshot: true }), total, args.buckets, moved);
      if (summary && !gone()) set({ occupancySummary: summary, occupancyError: null });
      else if (!gone()) void summaries.ask();
    } catch (e) {
      summaryFor = null;
      if (!gone()) set({ occupancyError: toViewError(e) });
    }
  });

  return {
    occupancySummary: null,
    occupancy: null,
    occupancyError: null,

    loadOccupancySummary() {
      return summaries.ask();
    },

    loadOccupancy(start, end, buckets) {
      const session = get().session?.session;
      if (!session || end <= start) return Promise.resolve();
      return detail.ask({ session, start, end, buckets });
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
      return leadsNowhere(info);
    },
  };
};

/** Why a chunk leads to no leaf or table entry, or null when it leads to one (what `openChunk` goes to). */
export function leadsNowhere(info: ChunkInfoResult): string | null {
  const x = info.exception;
  if ((x && (x.leaf !== null || x.entry !== null)) || info.role === 'leaf') return null;
  // Marked as holding data, yet no snapshot's mapping names it: what check calls a leak.
  if (!x && (info.role === 'exception' || info.role === 'data')) return `Chunk ${info.chunk} is marked used but referenced by nothing (a leaked chunk): no leaf or table entry maps it.`;
  const what = ROLE_LABELS[info.role] ?? info.role;
  return `Chunk ${info.chunk} holds ${what === 'free' ? 'nothing (it is free)' : what}; exception data and leaf chunks lead to a leaf.`;
}
