import { afterEach, expect, it } from 'vitest';
import type { StructuralEventDto } from '../../src-core/api/contract.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { buildTree, layoutTree } from '../../src-renderer/viz/tree-layout.ts';
import { frameAt, planMotion } from '../../src-renderer/viz/tree-motion.ts';
import type { AppStore } from '../../src-renderer/store/index.ts';
import { appOverEngine, demoStore, tempDir } from './fixtures.ts';

let service: EngineService | undefined;
afterEach(async () => service?.dispose());

const layoutOf = (store: AppStore) => {
  const s = store.getState();
  return layoutTree(buildTree(s.treeRoot!.root, s.treeRoot!.levels, s.blocks, s.expanded, s.searchPath?.path ?? [], s.unfolded));
};

it('expands on demand: only the blocks drawn are fetched', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  const s = app.store.getState();
  await s.openStore(await demoStore(app.client, dir));
  await s.loadTree();
  const st = app.store.getState();
  const info = st.info!;
  expect(st.expanded).toEqual(new Set([`${st.treeRoot!.levels}:0`]));
  const root = st.blocks.get(st.treeRoot!.root)!;
  expect(root.kind).toBe('node');
  expect(st.blocks.size).toBe(1 + (root.kind === 'node' ? root.count : 0));
  expect(st.blocks.size).toBeLessThan(info.tree!.nodes + info.tree!.leaves);

  const child = layoutOf(app.store).nodes.find((n) => n.depth === 1)!;
  await s.expand(child.data.key!);
  const drawn = layoutOf(app.store).nodes.filter((n) => n.data.hidden === undefined);
  expect(drawn.every((n) => n.data.block !== null)).toBe(true);
  expect(app.store.getState().blocks.size).toBe(drawn.length);
});

it('a write that splits a leaf: the tree reloads with the same nodes open, and the new leaf slides out of its sibling', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  const s = app.store.getState();
  await s.openStore({ ...(await demoStore(app.client, dir)), write: true });
  await s.loadTree();
  const origin = 1600;
  await s.searchKey(origin); // opens the path down to the leaf that will take the writes
  const expanded = app.store.getState().expanded;
  const before = frameAt(planMotion(new Map(), layoutOf(app.store)), 1);

  const session = app.store.getState().session!.session;
  let split: Extract<StructuralEventDto, { type: 'leaf-split' }> | undefined;
  for (let c = origin; !split && c < origin + 400; c++) {
    await app.client.writeChunk({ session, to: 'origin', chunk: c, fill: 7 });
    // The engine's structural events reach the store as the write commits.
    const event = app.store.getState().flashes.find((f) => f.event.type === 'leaf-split')?.event;
    if (event?.type === 'leaf-split') split = event;
  }
  expect(split, 'a leaf split within 400 origin writes').toBeDefined();

  await s.loadTree();
  const st = app.store.getState();
  for (const key of expanded) expect(st.expanded.has(key)).toBe(true);
  const after = layoutOf(app.store);
  const fresh = after.nodes.find((n) => n.data.chunk === split!.newLeaf)!;
  expect(fresh, 'the new leaf is drawn').toBeDefined();
  const from = after.nodes.find((n) => n.data.chunk === split!.leaf)!;
  expect(before.has(fresh.data.key!)).toBe(false);
  expect(before.has(from.data.key!)).toBe(true);
  const item = planMotion(before, after).items.find((i) => i.key === fresh.data.key)!;
  expect(item.from).toMatchObject({ x: before.get(from.data.key!)!.pose.x, y: before.get(from.data.key!)!.pose.y });
});
