import { NODE_H, NODE_W, type TreeLayout } from './tree-layout.ts';
import type { Shown } from './tree-motion.ts';
import { keyOf } from './tree-motion.ts';

/**
 * Level of detail of the B-tree explorer as zoom falls: boxes with their text, then plain marks
 * (one path per level and kind), then a density strip per level (where the boxes are, by how many).
 */
export type TreeLod = 'box' | 'mark' | 'strip';

export function lodFor(k: number): TreeLod {
  return k >= 0.35 ? 'box' : k >= 0.05 ? 'mark' : 'strip';
}

/** Links drawn as SVG paths up to this many; beyond, on a canvas under the boxes. */
export const SVG_LINKS = 200;
/** Boxes played through motion up to this many; a wider tree snaps to its new layout. */
export const MOTION_NODES = 400;

/** The layout as a frame with no motion (every box at its place). */
export function staticFrame(layout: TreeLayout): Map<string, Shown> {
  const out = new Map<string, Shown>();
  for (const node of layout.nodes) out.set(keyOf(node), { key: keyOf(node), node, pose: { x: node.x, y: node.y, opacity: 1 }, exiting: false });
  return out;
}

/** Colours of the overview (marks and strips) by kind of box. */
export interface OverviewPalette {
  node: string;
  leaf: string;
  more: string;
  link: string;
  path: string;
  text: string;
}

/** Screen y of level `depth` when zoomed out: levels keep a readable spacing however small the zoom. */
export function overviewRowY(t: { y: number; k: number }, depth: number): number {
  return t.y + depth * (NODE_H + 54) * Math.max(t.k, 0.5);
}

/**
 * The zoomed-out tree on a canvas, in screen space: x follows the camera, levels keep a readable
 * spacing. 'mark': each box as a small bar (folds dashed), links as lines. 'strip': each level
 * as a density strip (bins of 3 px, as tall as the share of the level's boxes in them; a fold
 * counts the boxes it hides), with the level's box count. Boxes on the search path stand out.
 */
export function paintOverview(
  ctx: CanvasRenderingContext2D,
  frame: ReadonlyMap<string, Shown>,
  t: { x: number; y: number; k: number },
  width: number,
  height: number,
  lod: 'mark' | 'strip',
  onPath: ReadonlySet<number>,
  palette: OverviewPalette,
): void {
  ctx.clearRect(0, 0, width, height);
  const h = Math.min(26, NODE_H * Math.max(t.k, 0.5));
  const sx = (x: number): number => x * t.k + t.x;
  const levels = new Map<number, Shown[]>();
  for (const s of frame.values()) {
    const list = levels.get(s.node.depth) ?? [];
    list.push(s);
    levels.set(s.node.depth, list);
  }
  ctx.lineWidth = 1;
  ctx.strokeStyle = palette.link;
  ctx.beginPath();
  for (const s of frame.values()) {
    const parent = s.node.parent && frame.get(keyOf(s.node.parent));
    if (!parent) continue;
    const x0 = sx(parent.pose.x);
    const x1 = sx(s.pose.x);
    if (Math.max(x0, x1) < 0 || Math.min(x0, x1) > width) continue;
    ctx.moveTo(x0, overviewRowY(t, parent.node.depth) + h / 2);
    ctx.lineTo(x1, overviewRowY(t, s.node.depth) - h / 2);
  }
  if (lod === 'mark') ctx.stroke();
  for (const [depth, list] of levels) {
    const y = overviewRowY(t, depth);
    if (lod === 'mark') {
      const w = Math.max(1, NODE_W * t.k - 1);
      for (const s of list) {
        const d = s.node.data;
        const x = sx(s.pose.x) - w / 2;
        if (x > width || x + w < 0) continue;
        ctx.fillStyle = onPath.has(d.chunk) ? palette.path : d.hidden !== undefined ? palette.more : d.block?.kind === 'leaf' ? palette.leaf : palette.node;
        ctx.fillRect(x, y - h / 2, w, h);
      }
      continue;
    }
    const bin = 3;
    const bins = new Float64Array(Math.ceil(width / bin) + 1);
    let count = 0;
    for (const s of list) {
      const n = s.node.data.hidden ?? 1;
      count += n;
      const i = Math.floor(sx(s.pose.x) / bin);
      if (i >= 0 && i < bins.length) bins[i]! += n;
    }
    const max = Math.max(1, ...bins);
    ctx.fillStyle = palette.leaf;
    bins.forEach((c, i) => {
      if (c === 0) return;
      const bh = h * (0.3 + (0.7 * c) / max);
      ctx.fillRect(i * bin, y + h / 2 - bh, bin - 0.5, bh);
    });
    for (const s of list) {
      if (!onPath.has(s.node.data.chunk)) continue;
      ctx.fillStyle = palette.path;
      ctx.fillRect(sx(s.pose.x) - 1.5, y - h / 2, 3, h);
    }
    ctx.fillStyle = palette.text;
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(`level ${depth + 1}: ${count.toLocaleString('en-US')} block${count === 1 ? '' : 's'}`, 6, y - h / 2 - 4);
  }
}

/** Paints the frame's links on a canvas in the camera's transform (CSS pixels). */
export function paintLinks(ctx: CanvasRenderingContext2D, frame: ReadonlyMap<string, Shown>, t: { x: number; y: number; k: number }, width: number, height: number, color: string): void {
  ctx.clearRect(0, 0, width, height);
  ctx.save();
  ctx.translate(t.x, t.y);
  ctx.scale(t.k, t.k);
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5 / Math.max(t.k, 0.05);
  ctx.beginPath();
  const left = -t.x / t.k - NODE_W;
  const right = (width - t.x) / t.k + NODE_W;
  for (const child of frame.values()) {
    const parentNode = child.node.parent;
    if (!parentNode) continue;
    const parent = frame.get(keyOf(parentNode));
    if (!parent) continue;
    const { x: sx, y: sy } = parent.pose;
    const { x: tx, y: ty } = child.pose;
    if (Math.max(sx, tx) < left || Math.min(sx, tx) > right) continue;
    const y0 = sy + NODE_H / 2;
    const y1 = ty - NODE_H / 2;
    const my = (y0 + y1) / 2;
    ctx.moveTo(sx, y0);
    ctx.bezierCurveTo(sx, my, tx, my, tx, y1);
  }
  ctx.stroke();
  ctx.restore();
}

/**
 * Keyboard moves over the drawn tree: left/right to the neighbouring box of the same level,
 * up to the parent, down to the first child; Home/End to the ends of the level. Null: no move.
 */
export function treeNeighbour(layout: TreeLayout, key: string, move: 'left' | 'right' | 'up' | 'down' | 'home' | 'end'): string | null {
  const node = layout.nodes.find((n) => keyOf(n) === key);
  if (!node) return layout.nodes[0] ? keyOf(layout.nodes[0]) : null;
  if (move === 'up') return node.parent ? keyOf(node.parent) : null;
  if (move === 'down') return node.children?.[0] ? keyOf(node.children[0]) : null;
  const level = layout.nodes.filter((n) => n.depth === node.depth).sort((a, b) => a.x - b.x);
  const i = level.indexOf(node);
  const j = move === 'left' ? i - 1 : move === 'right' ? i + 1 : move === 'home' ? 0 : level.length - 1;
  return level[j] ? keyOf(level[j]) : null;
}
