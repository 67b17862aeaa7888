import { easeCubicInOut, interpolateNumber, type HierarchyPointNode } from 'd3';
import type { TreeDatum, TreeLayout } from './tree-layout.ts';

/**
 * How the B-tree explorer moves from one drawn tree to the next, computed here and rendered by
 * React frame by frame. Boxes are matched by key (tree-layout: height and lowest origin chunk),
 * which survives shadowing, so a commit's structural change reads as motion:
 * - a leaf or node split: the new right half slides out of the block it split from;
 * - a new root: it fades in from above while the old root steps down a level;
 * - a merge: the emptied block slides into its left sibling and fades;
 * - a level drop: the old root rises and fades while its child takes its place;
 * - an expansion: children grow out of their parent (a collapse folds them back in).
 */
export interface Pose {
  x: number;
  y: number;
  opacity: number;
}

type Node = HierarchyPointNode<TreeDatum>;

/** A box on screen: its node (the latest one it had, for exits the last one) and its pose. */
export interface Shown {
  key: string;
  node: Node;
  pose: Pose;
  exiting: boolean;
}

export interface Motion {
  items: { key: string; node: Node; from: Pose; to: Pose; exiting: boolean }[];
}

export const MOTION_MS = 650;
/** How far above its place a new root starts, and an old one rises to. */
const RISE = 70;

export function keyOf(n: Node): string {
  return n.data.key ?? String(n.data.chunk);
}

function leftSibling(n: Node): Node | null {
  const siblings = n.parent?.children ?? [];
  const i = siblings.indexOf(n);
  return i > 0 ? (siblings[i - 1] ?? null) : null;
}

/** Plans the motion from what is on screen now (maybe mid-motion) to `next`. */
export function planMotion(shown: ReadonlyMap<string, Shown>, next: TreeLayout): Motion {
  const nextByKey = new Map(next.nodes.map((n) => [keyOf(n), n]));
  const place = (n: Node, opacity = 1): Pose => ({ x: n.x, y: n.y, opacity });
  const items: Motion['items'] = [];

  for (const n of next.nodes) {
    const key = keyOf(n);
    const now = shown.get(key);
    let from: Pose;
    if (now && !now.exiting) from = now.pose;
    else {
      const left = leftSibling(n);
      const split = left ? shown.get(keyOf(left)) : undefined;
      const parent = n.parent ? shown.get(keyOf(n.parent)) : undefined;
      if (now) from = now.pose; // came back while leaving
      else if (split && !split.exiting) from = { ...split.pose, opacity: 0.35 };
      else if (!n.parent) from = { x: n.x, y: n.y - RISE, opacity: 0 };
      else if (parent) from = { ...parent.pose, opacity: 0 };
      else from = { x: n.parent.x, y: n.parent.y, opacity: 0 };
    }
    items.push({ key, node: n, from, to: place(n), exiting: false });
  }

  for (const [key, s] of shown) {
    if (nextByKey.has(key)) continue;
    const left = leftSibling(s.node);
    const into = left ? nextByKey.get(keyOf(left)) : undefined;
    const parent = s.node.parent ? nextByKey.get(keyOf(s.node.parent)) : undefined;
    const to = into ? place(into, 0) : !s.node.parent ? { ...s.pose, y: s.pose.y - RISE, opacity: 0 } : parent ? place(parent, 0) : { ...s.pose, opacity: 0 };
    items.push({ key, node: s.node, from: s.pose, to, exiting: true });
  }
  return { items };
}

/** Whether anything moves at all (a refetch that changed nothing needs no animation). */
export function moves(m: Motion): boolean {
  return m.items.some(({ from, to }) => from.x !== to.x || from.y !== to.y || from.opacity !== to.opacity);
}

/** The boxes at time `t` (0..1) of the motion, eased; exits that have finished are gone. */
export function frameAt(m: Motion, t: number): Map<string, Shown> {
  const k = easeCubicInOut(Math.min(1, Math.max(0, t)));
  const out = new Map<string, Shown>();
  for (const { key, node, from, to, exiting } of m.items) {
    if (exiting && t >= 1) continue;
    const pose = { x: interpolateNumber(from.x, to.x)(k), y: interpolateNumber(from.y, to.y)(k), opacity: interpolateNumber(from.opacity, to.opacity)(k) };
    out.set(key, { key, node, pose, exiting });
  }
  return out;
}

/** Links of a frame: each box to its parent's current pose, faded with the box. */
export function frameLinks(frame: ReadonlyMap<string, Shown>): { key: string; source: Pose; target: Pose; child: Shown; parent: Shown }[] {
  const out: { key: string; source: Pose; target: Pose; child: Shown; parent: Shown }[] = [];
  for (const child of frame.values()) {
    if (!child.node.parent) continue;
    const parent = frame.get(keyOf(child.node.parent));
    if (parent) out.push({ key: `${parent.key}>${child.key}`, source: parent.pose, target: child.pose, child, parent });
  }
  return out;
}
