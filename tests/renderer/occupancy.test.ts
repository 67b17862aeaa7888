import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { bucketClasses } from '../../src-renderer/viz/chunk-class.ts';
import { summarize } from '../../src-renderer/viz/occupancy-painter.ts';
import { appOverEngine, demoStore, kernelFixture, tempDir } from './fixtures.ts';

let service: EngineService | undefined;
afterEach(async () => service?.dispose());

it('colours exception data by who reads it: each bucket splits into one snapshot only and shared, as the leaves say', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  const s = app.store.getState();
  await s.openStore(await demoStore(app.client, dir));
  const { session, info } = app.store.getState();
  await s.loadOccupancy(0, info!.chunkCount, 64);
  const occ = app.store.getState().occupancy!;
  expect(occ.owners).toBeDefined();

  // Every exception chunk, by its readers, from the tree itself.
  const readers = new Map<number, number[]>();
  const root = await app.client.treeRoot({ session: session!.session });
  const walk = async (chunk: number): Promise<void> => {
    const b = await app.client.treeBlock({ session: session!.session, chunk });
    if (b.kind === 'node') for (const e of b.entries) await walk(e.chunk);
    else for (const e of b.entries) for (const x of e.exceptions) readers.set(x.chunk, x.slots);
  };
  await walk(root.root);

  const expected = new Map<string, number>();
  for (const [chunk, slots] of readers) {
    const key = `${Math.floor(chunk / occ.chunksPerBucket)}|${slots.length === 1 ? `slot:${slots[0]}` : 'shared'}`;
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  const seen = new Map<string, number>();
  for (let b = 0; b < occ.buckets; b++) {
    const classes = bucketClasses(occ, b);
    expect(classes.reduce((n, [, c]) => n + c, 0)).toBe(Math.min(occ.chunksPerBucket, occ.end - b * occ.chunksPerBucket));
    for (const [c, n] of classes) if (c === 'shared' || c.startsWith('slot:')) seen.set(`${b}|${c}`, n);
    expect(classes.some(([c]) => c === 'exception')).toBe(false); // nothing left unattributed in a sound store
  }
  expect(seen).toEqual(expected);
  // The busiest data bucket wears the colour of what dominates it.
  const first = [...Array(occ.buckets).keys()].map((b) => summarize(occ, b)!).find((x) => x.top === 'shared' || x.top.startsWith('slot:'));
  expect(first).toBeDefined();
});

it('a click on an exception chunk opens the leaf that maps it, on its origin chunk; a metadata chunk says why not', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  const s = app.store.getState();
  await s.openStore(await demoStore(app.client, dir));
  const session = app.store.getState().session!.session;
  const leaf = await app.client.pathTo({ session, key: 300 });
  const block = await app.client.treeBlock({ session, chunk: leaf.leaf });
  if (block.kind !== 'leaf') throw new Error('not a leaf');
  const entry = block.entries.find((e) => e.exceptions.length > 0)!;
  const copy = entry.exceptions[0]!.chunk;

  expect(await s.openChunk(copy)).toBeNull();
  const st = app.store.getState();
  expect(st.route).toBe('leaf');
  expect(st.leafChunk).toBe(leaf.leaf);
  expect(st.leafOrigin).toBe(entry.origin);
  expect(st.leafDetail?.rows.some((r) => r.origin === entry.origin)).toBe(true);

  expect(await s.openChunk(0)).toMatch(/^Chunk 0 holds header/);
  expect(app.store.getState().route).toBe('leaf');
  expect(await s.chunkInfo(copy)).toMatchObject({ role: 'exception', exception: { origin: entry.origin, leaf: leaf.leaf } });
});

it('a persistent store: data chunks belong to its one snapshot; a click filters the table to the entry', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  const s = app.store.getState();
  await s.openStore(kernelFixture('p-basic-c8', dir));
  const session = app.store.getState().session!.session;
  const info = app.store.getState().info!;
  await s.loadOccupancy(0, info.chunkCount, info.chunkCount);
  const occ = app.store.getState().occupancy!;
  expect(occ.owners?.slots.map((o) => o.slot)).toEqual([0]);
  const row = (await app.client.exceptionTable({ session, offset: 3, limit: 1 })).rows[0]!;
  expect(summarize(occ, row.chunk)?.top).toBe('slot:0');

  expect(await s.openChunk(row.chunk)).toBeNull();
  expect(app.store.getState()).toMatchObject({ route: 'persistent', query: { originFrom: row.origin, originTo: row.origin } });
});
