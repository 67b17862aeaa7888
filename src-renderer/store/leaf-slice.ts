import type { LeafDetailResult } from '../../src-core/api/contract.ts';
import { toViewError, type ViewError } from './errors.ts';
import type { SliceCreator } from './types.ts';

export interface LeafSlice {
  leafChunk: number | null;
  leafDetail: LeafDetailResult | null;
  leafError: ViewError | null;
  /** The origin chunk the leaf was opened for (a clicked exception chunk), marked in its tables. */
  leafOrigin: number | null;
  /** The snapshot whose column the sharemap emphasizes (picked in the legend). */
  highlightSlot: number | null;
  openLeaf(chunk: number, origin?: number): Promise<void>;
  /** The leaf that maps origin chunk `origin`, found through the host (no tree view needed), with that chunk marked. */
  openLeafOf(origin: number): Promise<void>;
  refreshLeaf(): Promise<void>;
  setHighlightSlot(slot: number | null): void;
}

export const createLeafSlice: SliceCreator<LeafSlice> = (client) => (set, get) => ({
  leafChunk: null,
  leafDetail: null,
  leafError: null,
  leafOrigin: null,
  highlightSlot: null,
  async openLeaf(chunk, origin) {
    set({ leafChunk: chunk, leafDetail: null, leafError: null, leafOrigin: origin ?? null });
    get().navigate('leaf');
    await get().refreshLeaf();
  },
  async openLeafOf(origin) {
    const session = get().session?.session;
    if (!session) return;
    try {
      const path = await client.pathTo({ session, key: origin });
      await get().openLeaf(path.leaf, origin);
    } catch (e) {
      set({ leafError: toViewError(e) });
    }
  },
  async refreshLeaf() {
    const session = get().session?.session;
    const chunk = get().leafChunk;
    if (!session || chunk === null) return;
    try {
      const detail = await client.leafDetail({ session, chunk });
      if (get().leafChunk === chunk) set({ leafDetail: detail, leafError: null });
    } catch (e) {
      set({ leafError: toViewError(e) });
    }
  },
  setHighlightSlot: (slot) => set({ highlightSlot: slot }),
});
