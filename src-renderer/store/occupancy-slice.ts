import type { OccupancyResult } from '../../src-core/api/contract.ts';
import { toViewError, type ViewError } from './errors.ts';
import type { SliceCreator } from './types.ts';

export interface OccupancySlice {
  /** Buckets of the range the map shows; canvases `subscribe` to it and repaint without React. */
  occupancy: OccupancyResult | null;
  occupancyError: ViewError | null;
  /** Asks for [start, end) in `buckets`; a newer request wins over one still in flight. */
  loadOccupancy(start: number, end: number, buckets: number): Promise<void>;
}

export const createOccupancySlice: SliceCreator<OccupancySlice> = (client) => (set, get) => {
  let latest = 0;
  return {
    occupancy: null,
    occupancyError: null,
    async loadOccupancy(start, end, buckets) {
      const session = get().session?.session;
      if (!session || end <= start) return;
      const ticket = ++latest;
      try {
        const occupancy = await client.occupancy({ session, start, end, buckets });
        if (ticket === latest) set({ occupancy, occupancyError: null });
      } catch (e) {
        if (ticket === latest) set({ occupancyError: toViewError(e) });
      }
    },
  };
};
