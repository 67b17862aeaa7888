import { expect, it } from 'vitest';
import type { NodeDto, TreeBlockDto } from '../../src-core/api/contract.ts';
import { buildTree, layoutTree, type TreeLayout } from '../../src-renderer/viz/tree-layout.ts';
import { frameAt, frameLinks, moves, planMotion, type Shown } from '../../src-renderer/viz/tree-motion.ts';

const leaf = (chunk: number): TreeBlockDto => ({ kind: 'leaf', chunk, base: 0, using: '0x1', count: 1, entries: [], freeBytes: 10 });
const node = (chunk: number, children: [key: number, chunk: number][]): NodeDto => ({ kind: 'node', chunk, count: children.length, entries: children.map(([key, c]) => ({ key, chunk: c })) });

function layout(root: number, levels: number, blocks: TreeBlockDto[]): TreeLayout {
  const all = new Set<string>(['0:0', '1:0', '2:0', '1:100', '1:200']);
  return layoutTree(buildTree(root, levels, new Map(blocks.map((b) => [b.chunk, b])), all));
}
const settled = (l: TreeLayout): Map<string, Shown> => frameAt(planMotion(new Map(), l), 1);
const item = (l: TreeLayout, prev: Map<string, Shown>, key: string) => planMotion(prev, l).items.find((i) => i.key === key)!;

it('a leaf split: the new leaf slides out of the one it split from (even though shadowing renamed every block on the path)', () => {
  const before = settled(layout(10, 1, [node(10, [[0, 11], [100, 12]]), leaf(11), leaf(12)]));
  // After the commit: a new root chunk, leaf 12 shadowed to 22 and split at 150 into 23.
  const after = layout(20, 1, [node(20, [[0, 11], [100, 22], [150, 23]]), leaf(11), leaf(22), leaf(23)]);
  const split = item(after, before, '0:150');
  expect(split.from).toEqual({ ...before.get('0:100')!.pose, opacity: 0.35 });
  expect(split.to).toMatchObject({ opacity: 1 });
  // The leaf it came from kept its place in the tree, so it just moves aside.
  expect(item(after, before, '0:100').from).toEqual(before.get('0:100')!.pose);
  expect(item(after, before, '0:100').node.data.chunk).toBe(22);
});

it('a new root fades in from above while the old root steps down; its new sibling slides out of it', () => {
  const before = settled(layout(1, 0, [leaf(1)]));
  const after = layout(3, 1, [node(3, [[0, 1], [60, 2]]), leaf(1), leaf(2)]);
  const root = item(after, before, '1:0');
  expect(root.from.opacity).toBe(0);
  expect(root.from.y).toBeLessThan(root.to.y);
  const old = item(after, before, '0:0');
  expect(old.from.y).toBeLessThan(old.to.y);
  expect(item(after, before, '0:60').from).toMatchObject({ x: before.get('0:0')!.pose.x, y: before.get('0:0')!.pose.y });
});

it('a leaf merge slides the emptied leaf into its left sibling and drops it at the end; a level drop lifts the old root away', () => {
  const before = settled(layout(10, 1, [node(10, [[0, 11], [100, 12]]), leaf(11), leaf(12)]));
  const merged = layout(30, 1, [node(30, [[0, 31]]), leaf(31)]);
  const gone = item(merged, before, '0:100');
  expect(gone.exiting).toBe(true);
  expect(gone.to).toMatchObject({ x: merged.nodes.find((n) => n.data.key === '0:0')!.x, opacity: 0 });
  const plan = planMotion(before, merged);
  expect(frameAt(plan, 0.5).has('0:100')).toBe(true);
  expect(frameAt(plan, 1).has('0:100')).toBe(false);

  const mid = frameAt(plan, 1);
  const dropped = layout(31, 0, [leaf(31)]);
  const root = item(dropped, mid, '1:0');
  expect(root.exiting).toBe(true);
  expect(root.to.y).toBeLessThan(root.from.y);
  expect(item(dropped, mid, '0:0').to.y).toBeLessThan(item(dropped, mid, '0:0').from.y);
});

it('expanding grows children out of their parent; an unchanged tree does not move; links follow the poses', () => {
  const closed = settled(layoutTree(buildTree(10, 1, new Map<number, TreeBlockDto>([[10, node(10, [[0, 11], [100, 12]])], [11, leaf(11)], [12, leaf(12)]]), new Set())));
  const open = layout(10, 1, [node(10, [[0, 11], [100, 12]]), leaf(11), leaf(12)]);
  const plan = planMotion(closed, open);
  for (const key of ['0:0', '0:100']) expect(plan.items.find((i) => i.key === key)!.from).toEqual({ ...closed.get('1:0')!.pose, opacity: 0 });
  const end = frameAt(plan, 1);
  expect(moves(planMotion(end, open))).toBe(false);
  const half = frameAt(plan, 0.5);
  const links = frameLinks(half);
  expect(links).toHaveLength(2);
  expect(links[0]!.target).toEqual(half.get(links[0]!.child.key)!.pose);
});
