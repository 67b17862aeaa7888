/**
 * A lesson state's tree as the renderer's d3 tree layout expects it (viz/tree-layout.ts). A small
 * tree is drawn whole. A big one opens only the nodes above the blocks in play (the rest show
 * their child count until clicked), and a wide node shows a window of children around them,
 * folding the others into "+N" boxes. A split half not linked yet is drawn beside its sibling.
 */
import type { TeachBlock, TeachState } from '../../../src-core/teach/index.ts';
import { layoutTree, type TreeDatum, type TreeLayout } from '../../viz/tree-layout.ts';

/** Stands above the root while the root itself is split and has no parent yet; never drawn. */
export const GHOST = -1;

export interface TeachLayout extends TreeLayout {
  blocks: ReadonlyMap<number, TeachBlock>;
  detached: ReadonlySet<number>;
}

/** Fold boxes carry negative chunks; GHOST and real chunks never collide with them. */
function foldChunk(parent: number, side: number): number {
  return -(parent * 2 + side) - 2;
}

/** Trees with at most this many leaves are drawn whole (readable at the tree card's width). */
const SMALL_TREE = 5;
/** Children a wide node shows around the blocks in play. */
const WINDOW = 3;

export function teachLayout(state: TeachState, focus: readonly number[], unfolded: ReadonlySet<number>): TeachLayout {
  const blocks = new Map(state.tree.blocks.map((b) => [b.chunk, b]));
  const detached = new Map(state.tree.detached.map((d) => [d.beside, d.chunk]));
  const wanted = new Set(focus);
  for (const d of state.tree.detached) wanted.add(d.beside);
  const whole = state.tree.blocks.filter((b) => b.kind === 'leaf').length <= SMALL_TREE;
  const rootHalf = detached.get(state.tree.root);
  // The top block is always open, unless the root is splitting: then its halves are judged alike.
  const top = rootHalf === undefined ? state.tree.root : null;

  const visit = (chunk: number, low: number, high: number | null): TreeDatum => {
    const block = blocks.get(chunk);
    const open = block?.kind === 'node' && (whole || chunk === top || unfolded.has(chunk) || block.children.some((c) => covers(c, blocks, wanted)));
    const datum: TreeDatum = { chunk, block: null, low, high, open };
    if (block?.kind !== 'node' || !open) return datum;
    const all = block.children.map((c, i) => ({ chunk: c, low: i === 0 ? low : block.keys[i]!, high: block.keys[i + 1] ?? high }));
    let from = 0;
    let to = all.length;
    if (all.length > WINDOW + 2 && !unfolded.has(chunk)) {
      const hits = all.map((c, i) => (covers(c.chunk, blocks, wanted) ? i : -1)).filter((i) => i >= 0);
      const mid = hits.length ? Math.round((hits[0]! + hits[hits.length - 1]!) / 2) : 0;
      from = Math.max(0, Math.min(mid - Math.floor(WINDOW / 2), all.length - WINDOW));
      to = from + WINDOW;
    }
    const fold = (n: number, side: number): TreeDatum => ({ chunk: foldChunk(chunk, side), block: null, low, high, open: false, hidden: n });
    const children: TreeDatum[] = [];
    if (from > 0) children.push(fold(from, 0));
    for (const c of all.slice(from, to)) {
      children.push(visit(c.chunk, c.low, c.high));
      const loose = detached.get(c.chunk);
      if (loose !== undefined) children.push(visit(loose, c.low, c.high));
    }
    if (to < all.length) children.push(fold(all.length - to, 1));
    datum.children = children;
    return datum;
  };

  let root = visit(state.tree.root, 0, null);
  if (rootHalf !== undefined) root = { chunk: GHOST, block: null, low: 0, high: null, open: true, children: [root, visit(rootHalf, 0, null)] };
  return { ...layoutTree(root), blocks, detached: new Set(detached.values()) };
}

/** Whether `chunk`'s subtree holds any wanted block (so a folded window keeps it in view). */
function covers(chunk: number, blocks: ReadonlyMap<number, TeachBlock>, wanted: ReadonlySet<number>): boolean {
  if (wanted.has(chunk)) return true;
  const b = blocks.get(chunk);
  return b?.kind === 'node' && b.children.some((c) => covers(c, blocks, wanted));
}

/** "0–19" for a leaf's origin chunks; "empty" when it has none. */
export function originSpan(block: TeachBlock): string {
  if (block.kind !== 'leaf' || block.entries.length === 0) return 'empty';
  const first = block.entries[0]!.origin;
  const last = block.entries[block.entries.length - 1]!.origin;
  return first === last ? `${first}` : `${first}–${last}`;
}
