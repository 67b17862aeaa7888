import type { PathToResult, StructuralEventDto, TreeBlockDto, TreeRootResult } from '../../src-core/api/contract.ts';
import { buildTree, keysOf, pendingChunks, treeKey } from '../viz/tree-layout.ts';
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
  /** The blocks drawn, by chunk: only what the expanded part of the tree shows is ever fetched. */
  blocks: ReadonlyMap<number, TreeBlockDto>;
  /** Keys (tree-layout `treeKey`) of expanded nodes, and of wide nodes showing every child. */
  expanded: ReadonlySet<string>;
  unfolded: ReadonlySet<string>;
  searchPath: PathToResult | null;
  /** Bumped by each search asked for (not by the reload after a commit that refreshes its path). */
  searchSeq: number;
  treeError: ViewError | null;
  flashes: TreeFlash[];
  /** (Re)reads the tree after a commit, keeping what was expanded; one state change, no flicker. */
  loadTree(): Promise<void>;
  expand(key: string): Promise<void>;
  collapse(key: string): void;
  unfold(key: string): Promise<void>;
  /** Finds the leaf of origin chunk `key` and opens every node on the way so the path lights up. */
  searchKey(key: number): Promise<PathToResult | null>;
  clearSearch(): void;
  noteStructural(events: readonly StructuralEventDto[]): void;
}

/** Blocks fetched per round trip; a fully unfolded node of hundreds of children takes a few. */
const FETCH_BATCH = 256;
const FLASH_KINDS = new Set(['leaf-split', 'node-split', 'new-root', 'leaf-merge', 'node-merge', 'level-drop']);
let flashId = 1;

interface Draft {
  session: string;
  root: TreeRootResult;
  blocks: Map<number, TreeBlockDto>;
  expanded: Set<string>;
  unfolded: ReadonlySet<string>;
  focus: readonly number[];
}

export const createTreeSlice: SliceCreator<TreeSlice> = (client) => (set, get) => {
  /** Tree operations run one after another, each on the state the previous one left. */
  let queue: Promise<unknown> = Promise.resolve();
  let reloadQueued = false;
  const serial = <T>(op: () => Promise<T>): Promise<T> => {
    const next = queue.then(op, op);
    queue = next.catch(() => undefined);
    return next;
  };

  const draft = (): Draft | null => {
    const session = get().session?.session;
    const root = get().treeRoot;
    if (!session || !root) return null;
    return { session, root, blocks: new Map(get().blocks), expanded: new Set(get().expanded), unfolded: get().unfolded, focus: get().searchPath?.path ?? [] };
  };

  /** Fetches whatever the draft's tree would draw without its block, until nothing is missing. */
  const settle = async (d: Draft): Promise<void> => {
    for (;;) {
      const missing = pendingChunks(buildTree(d.root.root, d.root.levels, d.blocks, d.expanded, d.focus, d.unfolded)).slice(0, FETCH_BATCH);
      if (missing.length === 0) return;
      const fetched = await Promise.all(missing.map((chunk) => client.treeBlock({ session: d.session, chunk })));
      for (const b of fetched) d.blocks.set(b.chunk, b);
    }
  };

  const commit = (d: Draft, extra: Partial<TreeSlice> = {}): void => {
    if (get().session?.session !== d.session) return;
    set({ treeRoot: d.root, blocks: d.blocks, expanded: d.expanded, treeError: null, ...extra });
  };

  const guarded = async (op: () => Promise<void>): Promise<void> => {
    try {
      await op();
    } catch (e) {
      set({ treeError: toViewError(e) });
    }
  };

  /** Opens the nodes of `path` top-down (their keys are learnt as their parents load). */
  const openPath = async (d: Draft, path: readonly number[]): Promise<void> => {
    for (const chunk of path.slice(0, -1)) {
      await settle(d);
      const key = keysOf(buildTree(d.root.root, d.root.levels, d.blocks, d.expanded, d.focus, d.unfolded)).get(chunk);
      if (key === undefined) return;
      d.expanded.add(key);
    }
    await settle(d);
  };

  return {
    treeRoot: null,
    blocks: new Map(),
    expanded: new Set(),
    unfolded: new Set(),
    searchPath: null,
    searchSeq: 0,
    treeError: null,
    flashes: [],

    loadTree() {
      // Commits can come faster than a reload: one queued reload covers them all.
      if (reloadQueued) return queue.then(() => undefined);
      reloadQueued = true;
      return serial(() =>
        guarded(async () => {
          reloadQueued = false;
          const session = get().session?.session;
          if (!session || get().info?.format !== 'shared') return;
          const root = await client.treeRoot({ session });
          // Shadowing rewrote the blocks on the commit's path: refetch, keep expansion by key.
          const d: Draft = { session, root, blocks: new Map(), expanded: new Set(get().expanded).add(treeKey(root.levels, 0)), unfolded: get().unfolded, focus: [] };
          const searched = get().searchPath;
          if (searched) {
            const path = await client.pathTo({ session, key: searched.key });
            d.focus = path.path;
            await openPath(d, path.path);
            commit(d, { searchPath: path });
          } else {
            await settle(d);
            commit(d);
          }
        }),
      );
    },

    expand: (key) =>
      serial(() =>
        guarded(async () => {
          const d = draft();
          if (!d) return;
          d.expanded.add(key);
          await settle(d);
          commit(d);
        }),
      ),

    collapse(key) {
      set((st) => {
        const expanded = new Set(st.expanded);
        expanded.delete(key);
        return { expanded };
      });
    },

    unfold: (key) =>
      serial(() =>
        guarded(async () => {
          const d = draft();
          if (!d) return;
          d.unfolded = new Set(d.unfolded).add(key);
          await settle(d);
          commit(d, { unfolded: d.unfolded });
        }),
      ),

    searchKey: (key) =>
      serial(async () => {
        try {
          // A search from another view (the leaf inspector) may come before the tree was ever drawn.
          const session = get().session?.session;
          if (session && !get().treeRoot && get().info?.format === 'shared') set({ treeRoot: await client.treeRoot({ session }) });
          const d = draft();
          if (!d) return null;
          const path = await client.pathTo({ session: d.session, key });
          d.focus = path.path;
          await openPath(d, path.path);
          commit(d, { searchPath: path, searchSeq: get().searchSeq + 1 });
          return path;
        } catch (e) {
          set({ treeError: toViewError(e), searchPath: null });
          return null;
        }
      }),

    clearSearch: () => set({ searchPath: null }),

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
