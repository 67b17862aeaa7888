/**
 * What the learner sees after a step: plain JSON (no bigint, no class), small enough to keep one
 * per step, so "Step back" just shows an earlier one and two views compare with deep equality.
 */

export interface TeachNode {
  kind: 'node';
  chunk: number;
  /** keys[0] is not meaningful (the parent bounds child 0); written as 0. */
  keys: number[];
  children: number[];
}

export interface TeachException {
  /** The COW chunk holding the copy. */
  chunk: number;
  /** Snapshot slots that read it (its share mask). */
  slots: number[];
}

export interface TeachLeaf {
  kind: 'leaf';
  chunk: number;
  freeBytes: number;
  entries: { origin: number; exceptions: TeachException[] }[];
}

export type TeachBlock = TeachNode | TeachLeaf;

export interface TeachTree {
  root: number;
  /** Index levels above the leaves (the header's tree_level). */
  levels: number;
  /** Every block reachable from the root, then the detached ones, depth first. */
  blocks: TeachBlock[];
  /** Halves of a split not linked into a parent yet, each drawn beside the block it split from. */
  detached: { chunk: number; beside: number }[];
}

/** One character per COW chunk (see CELL_ROLES). */
export type CellCode = 'H' | 'B' | 'N' | 'L' | 'A' | 'E' | 'P' | '.';

export const CELL_ROLES: Readonly<Record<CellCode, string>> = {
  H: 'header',
  B: 'bitmap',
  N: 'node',
  L: 'leaf',
  A: 'label',
  E: 'exception',
  P: 'pending-free',
  '.': 'free',
};

export interface TeachState {
  tree: TeachTree;
  /** The role of every COW chunk now: the allocation bitmap, with what each used chunk holds. */
  cells: string;
  /** What each exception chunk's data says ("5:v0": origin chunk 5 as it was at version 0), by chunk. */
  data: Record<number, string>;
  /** What each origin chunk's data says now. */
  origin: string[];
  snapshots: { slot: number; name: string }[];
}

/** What a step points at; everything else is drawn quietly. */
export interface Focus {
  /** Blocks on the probed path, root first. */
  path: number[];
  /** Blocks this step created or changed. */
  blocks: number[];
  /** COW chunks (bitmap cells) this step allocated, freed or wrote. */
  cells: number[];
  origins: number[];
  /** Exceptions (by COW chunk) this step added, changed or inspected. */
  exceptions: number[];
  /** A key that moved up into a parent. */
  key: number | null;
  slot: number | null;
}

export const NO_FOCUS: Focus = { path: [], blocks: [], cells: [], origins: [], exceptions: [], key: null, slot: null };

export function cellCode(state: TeachState, chunk: number): CellCode {
  return (state.cells[chunk] ?? '.') as CellCode;
}

export function findBlock(state: TeachState, chunk: number): TeachBlock | undefined {
  return state.tree.blocks.find((b) => b.chunk === chunk);
}

/** The leaf that holds `origin`'s entry (or would), and the entry if any. */
export function findOrigin(state: TeachState, origin: number): { leaf: TeachLeaf; entry: TeachLeaf['entries'][number] | undefined } | undefined {
  let chunk = state.tree.root;
  for (let depth = 0; depth < state.tree.levels; depth++) {
    const node = findBlock(state, chunk);
    if (node?.kind !== 'node') return undefined;
    let i = 0;
    while (i + 1 < node.keys.length && node.keys[i + 1]! <= origin) i++;
    chunk = node.children[i]!;
  }
  const leaf = findBlock(state, chunk);
  if (leaf?.kind !== 'leaf') return undefined;
  return { leaf, entry: leaf.entries.find((e) => e.origin === origin) };
}
