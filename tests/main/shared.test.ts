import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { inProcess, tempDir } from './fixtures.ts';

let service: EngineService;
afterEach(async () => service?.dispose());

it('demo store: create, open, B-tree pages, leaf sharemap, occupancy, snapshot create/rename/delete', async () => {
  const dir = tempDir();
  const r = inProcess(dir);
  service = r.service;
  const c = r.client;
  const demo = await c.createDemo({});
  expect(demo.created).toBe(true);
  expect((await c.createDemo({})).created).toBe(false);
  const s = await c.open({ cow: demo.cow, origin: demo.origin, write: true });
  expect(s.format).toBe('shared');
  const root = await c.treeRoot({ session: s.session });
  const first = await c.pathTo({ session: s.session, key: 0 });
  expect(first.path[0]).toBe(root.root);
  expect(first.path).toHaveLength(root.levels + 1);
  const leaf = await c.leafDetail({ session: s.session, chunk: first.leaf });
  expect(leaf.slots.length).toBe(s.info.snapshots.length);
  for (const row of leaf.rows) expect(row.cells).toHaveLength(leaf.slots.length);
  const block = await c.treeBlock({ session: s.session, chunk: first.leaf });
  expect(block.kind).toBe('leaf');
  await expect(c.treeBlock({ session: s.session, chunk: s.info.chunkCount })).rejects.toMatchObject({ code: 'bad-request' });
  const occ = await c.occupancy({ session: s.session, start: 0, end: s.info.chunkCount, buckets: 16 });
  const total = Object.values(occ.counts).reduce((n, b) => n + b.reduce((x, y) => x + y, 0), 0);
  expect(total).toBe(s.info.chunkCount);
  const snap = await c.snapshotCreate({ session: s.session, name: 'extra' });
  expect((await c.snapshotRename({ session: s.session, snapshot: snap.slot, name: 'renamed' })).name).toBe('renamed');
  await c.snapshotDelete({ session: s.session, snapshot: 'renamed' });
  expect((await c.info({ session: s.session })).snapshots.map((x) => x.name)).not.toContain('renamed');
});

it('asks for a B-tree block by a chunk that holds none: a bad request naming what it holds', async () => {
  const dir = tempDir();
  const r = inProcess(dir);
  service = r.service;
  const c = r.client;
  const demo = await c.createDemo({});
  const s = await c.open({ cow: demo.cow });
  const leaf = (await c.pathTo({ session: s.session, key: 0 })).leaf;
  const data = (await c.leafDetail({ session: s.session, chunk: leaf })).leaf.entries.find((e) => e.exceptions.length)!.exceptions[0]!.chunk;
  await expect(c.treeBlock({ session: s.session, chunk: data })).rejects.toMatchObject({ code: 'bad-request', message: `chunk ${data} holds exception data, not a node or leaf` });
  await expect(c.leafDetail({ session: s.session, chunk: 0 })).rejects.toMatchObject({ code: 'bad-request', message: 'chunk 0 holds header, not a leaf' });
  const root = await c.treeRoot({ session: s.session });
  if (root.levels > 0) await expect(c.leafDetail({ session: s.session, chunk: root.root })).rejects.toMatchObject({ code: 'bad-request' });
});
