import { hierarchy, tree, type HierarchyPointNode } from 'd3';
import type { TreeBlockDto } from '../../src-core/api/dto.ts';
import { formatCount } from './format.ts';

/** One box of the drawn tree: a loaded block, a child not fetched yet, or `hidden` siblings folded into one box. */
export interface TreeDatum {
  chunk: number;
  /**
   * Who the box is across commits: "height:low" (height above the leaves, lowest origin chunk of
   * its subtree). Shadowing moves a block to a new chunk on every commit, but its place in the
   * tree keeps its key, so expansion survives a write and motion can follow a block. Fold boxes:
   * "more:<parent key>:<side>".
   */
  key?: string;
  block: TreeBlockDto | null;
  /** Siblings not drawn (a "+N more" box); its `chunk` is the parent's, negated, to keep keys unique. */
  hidden?: number;
  /** Origin chunks the subtree covers: [low, high); high is null for "to the end". */
  low: number;
  high: number | null;
  /** Expanded and loaded: children are drawn. */
  open: boolean;
  children?: TreeDatum[];
}

export interface TreeLayout {
  nodes: HierarchyPointNode<TreeDatum>[];
  links: { source: HierarchyPointNode<TreeDatum>; target: HierarchyPointNode<TreeDatum> }[];
  /** Bounding box of the node centres. */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export const NODE_W = 132;
export const NODE_H = 46;
const GAP_X = 14;
const GAP_Y = 54;

/** Children drawn per node before the rest fold into "+N more" boxes. */
export const MAX_CHILDREN = 7;

export function treeKey(height: number, low: number): string {
  return `${height}:${low}`;
}

/**
 * Builds the visible tree from the blocks fetched so far. Only expanded nodes (by key) show
 * children, so the top of a million-leaf tree draws from a handful of blocks (expand on demand).
 * A wide node shows a window of its children around `focus` (the searched path's chunks) and
 * folds the rest, unless its key is in `unfolded`. `levels` is the tree's (0: the root is a leaf).
 */
export function buildTree(
  root: number,
  levels: number,
  blocks: ReadonlyMap<number, TreeBlockDto>,
  expanded: ReadonlySet<string>,
  focus: readonly number[] = [],
  unfolded: ReadonlySet<string> = new Set(),
): TreeDatum {
  const visit = (chunk: number, height: number, low: number, high: number | null): TreeDatum => {
    const block = blocks.get(chunk) ?? null;
    const key = treeKey(height, low);
    const open = block?.kind === 'node' && expanded.has(key);
    const datum: TreeDatum = { chunk, key, block, low, high, open };
    if (open && block.kind === 'node') {
      const all = block.entries.map((e, i) => ({ chunk: e.chunk, low: i === 0 ? low : e.key, high: block.entries[i + 1]?.key ?? high }));
      let from = 0;
      let to = all.length;
      if (all.length > MAX_CHILDREN && !unfolded.has(key)) {
        const at = Math.max(0, all.findIndex((c) => focus.includes(c.chunk)));
        from = Math.max(0, Math.min(at - Math.floor(MAX_CHILDREN / 2), all.length - MAX_CHILDREN));
        to = from + MAX_CHILDREN;
      }
      const fold = (n: number, side: number): TreeDatum => ({ chunk: -(chunk * 2 + side), key: `more:${key}:${side}`, block: null, low, high, open: false, hidden: n });
      datum.children = [
        ...(from > 0 ? [fold(from, 0)] : []),
        ...all.slice(from, to).map((c) => visit(c.chunk, height - 1, c.low, c.high)),
        ...(to < all.length ? [fold(all.length - to, 1)] : []),
      ];
    }
    return datum;
  };
  return visit(root, levels, 0, null);
}

/** Boxes drawn without their block yet: what to fetch next. */
export function pendingChunks(tree: TreeDatum): number[] {
  const out: number[] = [];
  const walk = (d: TreeDatum): void => {
    if (d.block === null && d.hidden === undefined) out.push(d.chunk);
    d.children?.forEach(walk);
  };
  walk(tree);
  return out;
}

/** The key of each drawn block, by chunk (folds left out). */
export function keysOf(tree: TreeDatum): Map<number, string> {
  const out = new Map<number, string>();
  const walk = (d: TreeDatum): void => {
    if (d.hidden === undefined && d.key) out.set(d.chunk, d.key);
    d.children?.forEach(walk);
  };
  walk(tree);
  return out;
}

/** d3's tidy tree: root at top, fixed node size so zoom, not layout, handles scale. */
export function layoutTree(data: TreeDatum): TreeLayout {
  const rootNode = tree<TreeDatum>()
    .nodeSize([NODE_W + GAP_X, NODE_H + GAP_Y])
    .separation((a, b) => (a.parent === b.parent ? 1 : 1.25))(hierarchy(data));
  const nodes = rootNode.descendants();
  let x0 = Infinity;
  let x1 = -Infinity;
  let y1 = 0;
  for (const n of nodes) {
    x0 = Math.min(x0, n.x);
    x1 = Math.max(x1, n.x);
    y1 = Math.max(y1, n.y);
  }
  return { nodes, links: rootNode.links(), x0, x1, y0: 0, y1 };
}

/** An elbow link from the bottom of a parent box to the top of a child box. */
export function linkPath(sx: number, sy: number, tx: number, ty: number): string {
  const y0 = sy + NODE_H / 2;
  const y1 = ty - NODE_H / 2;
  const my = (y0 + y1) / 2;
  return `M${sx},${y0}C${sx},${my} ${tx},${my} ${tx},${y1}`;
}

/** Fill of a leaf (0..1), from its unused bytes. */
export function leafFill(freeBytes: number, chunkBytes: number): number {
  return chunkBytes > 0 ? Math.min(1, Math.max(0, 1 - freeBytes / chunkBytes)) : 0;
}

/** "0 · 120 · 1,310 …": a node's separator keys, grouped, as many as fit in `maxChars` (a box's width in monospace). */
export function keySummary(keys: readonly number[], maxChars = 17): string {
  let shown = '';
  for (const [i, k] of keys.entries()) {
    const next = shown ? `${shown} · ${formatCount(k)}` : formatCount(k);
    const more = i < keys.length - 1 ? 2 : 0; // room for " …"
    if (next.length + more > maxChars) return shown ? `${shown} …` : '…';
    shown = next;
  }
  return shown;
}
