import type { PathToResult, StructuralEventDto, TreeBlockDto, TreeRootResult } from '../../src-core/api/contract.ts';
import { toViewError, type ViewError } from './errors.ts';
import type { SliceCreator } from './types.ts';

/** A structural change to show on the tree for a moment (a split, a new root, a merge). */
export interface TreeFlash {
  id: number;
  at: number;
  event: StructuralEventDto;
  /** The blocks it touched. */
  chunks: number[];
  text: string;
}

export interface TreeSlice {
  treeRoot: TreeRootResult | null;
  blocks: ReadonlyMap<number, TreeBlockDto>;
  expanded: ReadonlySet<number>;
  searchPath: PathToResult | null;
  treeError: ViewError | null;
  flashes: TreeFlash[];
  loadTree(): Promise<void>;
  expand(chunk: number): Promise<void>;
  collapse(chunk: number): void;
  /** Finds the leaf of origin chunk `key` and opens every node on the way so the path lights up. */
  searchKey(key: number): Promise<PathToResult | null>;
  clearSearch(): void;
  noteStructural(events: readonly StructuralEventDto[]): void;
  /** The leaf holding exception data chunk `chunk`, found by walking the tree (bounded), or null. */
  findLeafOfChunk(chunk: number): Promise<number | null>;
}

/** Children of one node fetched at once; wider nodes still draw, their leaves load as they expand. */
const FETCH_LIMIT = 256;
/** Blocks a reverse lookup (data chunk → leaf) may read before giving up. */
const WALK_LIMIT = 5000;
const FLASH_KINDS = new Set(['leaf-split', 'node-split', 'new-root', 'leaf-merge', 'node-merge', 'level-drop']);
let flashId = 1;

export const createTreeSlice: SliceCreator<TreeSlice> = (client) => (set, get) => {
  const session = (): string | null => get().session?.session ?? null;

  const fetchBlocks = async (chunks: readonly number[]): Promise<void> => {
    const s = session();
    if (!s) return;
    const missing = chunks.filter((c) => !get().blocks.has(c)).slice(0, FETCH_LIMIT);
    const fetched = await Promise.all(missing.map((chunk) => client.treeBlock({ session: s, chunk })));
    if (session() !== s) return;
    set((st) => {
      const blocks = new Map(st.blocks);
      for (const b of fetched) blocks.set(b.chunk, b);
      return { blocks };
    });
  };

  const openNode = async (chunk: number): Promise<void> => {
    await fetchBlocks([chunk]);
    const block = get().blocks.get(chunk);
    if (block?.kind !== 'node') return;
    await fetchBlocks(block.entries.map((e) => e.chunk));
    set((st) => ({ expanded: new Set(st.expanded).add(chunk) }));
  };

  return {
    treeRoot: null,
    blocks: new Map(),
    expanded: new Set(),
    searchPath: null,
    treeError: null,
    flashes: [],

    async loadTree() {
      const s = session();
      if (!s || get().info?.format !== 'shared') return;
      try {
        const root = await client.treeRoot({ session: s });
        // Blocks are rewritten by shadowing on every commit: refetch rather than trust the cache.
        const keep = [...get().expanded];
        set({ treeRoot: root, blocks: new Map(), expanded: new Set(), treeError: null });
        await openNode(root.root);
        for (const chunk of keep) if (get().blocks.has(chunk)) await openNode(chunk);
        const path = get().searchPath;
        if (path) await get().searchKey(path.key);
      } catch (e) {
        set({ treeError: toViewError(e) });
      }
    },

    async expand(chunk) {
      try {
        await openNode(chunk);
      } catch (e) {
        set({ treeError: toViewError(e) });
      }
    },

    collapse(chunk) {
      set((st) => {
        const expanded = new Set(st.expanded);
        expanded.delete(chunk);
        return { expanded };
      });
    },

    async searchKey(key) {
      const s = session();
      if (!s) return null;
      try {
        const path = await client.pathTo({ session: s, key });
        for (const chunk of path.path.slice(0, -1)) await openNode(chunk);
        await fetchBlocks([path.leaf]);
        set({ searchPath: path, treeError: null });
        return path;
      } catch (e) {
        set({ treeError: toViewError(e), searchPath: null });
        return null;
      }
    },

    clearSearch: () => set({ searchPath: null }),

    async findLeafOfChunk(chunk) {
      const s = session();
      const root = get().treeRoot;
      if (!s || !root) return null;
      const queue = [root.root];
      for (let visited = 0; queue.length > 0 && visited < WALK_LIMIT; visited++) {
        const at = queue.shift() as number;
        const block = get().blocks.get(at) ?? (await client.treeBlock({ session: s, chunk: at }));
        if (block.chunk === chunk) return block.kind === 'leaf' ? chunk : null;
        if (block.kind === 'node') queue.push(...block.entries.map((e) => e.chunk));
        else if (block.entries.some((e) => e.exceptions.some((x) => x.chunk === chunk))) return block.chunk;
      }
      return null;
    },

    noteStructural(events) {
      const now = Date.now();
      const fresh: TreeFlash[] = events.filter((e) => FLASH_KINDS.has(e.type)).map((event) => ({ id: flashId++, at: now, event, ...describe(event) }));
      if (fresh.length) set((st) => ({ flashes: [...fresh, ...st.flashes].slice(0, 20) }));
    },
  };
};

function describe(e: StructuralEventDto): { chunks: number[]; text: string } {
  switch (e.type) {
    case 'leaf-split':
      return { chunks: [e.leaf, e.newLeaf], text: `Leaf ${e.leaf} was full and split: half moved to leaf ${e.newLeaf}, key ${e.key} went up.` };
    case 'node-split':
      return { chunks: [e.node, e.newNode], text: `Node ${e.node} split into ${e.newNode} at key ${e.key} (level ${e.level}).` };
    case 'new-root':
      return { chunks: [e.root], text: `A new root ${e.root} grew the tree to ${e.levels + 1} level(s).` };
    case 'leaf-merge':
      return { chunks: [e.into], text: `Leaf ${e.from} merged into leaf ${e.into}.` };
    case 'node-merge':
      return { chunks: [e.into], text: `Node ${e.from} merged into node ${e.into}.` };
    case 'level-drop':
      return { chunks: [e.root], text: `The tree dropped a level; root is now ${e.root}.` };
    default:
      return { chunks: [], text: e.type };
  }
}
