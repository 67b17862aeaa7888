import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { inProcess, persistentPair, tempDir } from './fixtures.ts';

/** The allocation map by who reads the exception data, and one chunk in detail, on both formats. */
let service: EngineService;
afterEach(async () => service?.dispose());

const sum = (a: number[] = []): number => a.reduce((x, y) => x + y, 0);

it('shared store: exception data per snapshot and shared adds up to the snapshot table; a chunk leads to its leaf', async () => {
  const dir = tempDir();
  const r = inProcess(dir);
  service = r.service;
  const c = r.client;
  const demo = await c.createDemo({});
  const s = await c.open({ cow: demo.cow, origin: demo.origin, write: true });
  const { chunkCount, snapshots, exceptions } = s.info;

  const occ = await c.occupancy({ session: s.session, start: 0, end: chunkCount, buckets: 16, bySnapshot: true });
  const owners = occ.owners!;
  for (let b = 0; b < occ.buckets; b++) {
    expect(sum(owners.slots.map((o) => o.counts[b]!)) + owners.shared[b]!).toBeLessThanOrEqual(occ.counts.exception![b]!);
  }
  for (const snap of snapshots) expect(sum(owners.slots.find((o) => o.slot === snap.slot)?.counts)).toBe(snap.unique);
  expect(sum(owners.slots.flatMap((o) => o.counts)) + sum(owners.shared)).toBe(exceptions);
  expect((await c.occupancy({ session: s.session, start: 0, end: chunkCount, buckets: 16 })).owners).toBeUndefined();

  // Chunk by chunk: roles from a one-chunk-per-bucket map, then chunkInfo on exception chunks.
  const fine = await c.occupancy({ session: s.session, start: 0, end: chunkCount, buckets: chunkCount });
  const exceptionChunks = fine.counts.exception!.flatMap((n, chunk) => (n ? [chunk] : []));
  expect(await c.chunkInfo({ session: s.session, chunk: 0 })).toEqual({ chunk: 0, role: 'header', exception: null });
  for (const chunk of exceptionChunks.filter((_, i) => i % 97 === 0)) {
    const info = await c.chunkInfo({ session: s.session, chunk });
    expect(info.role).toBe('exception');
    const { origin, slots, leaf } = info.exception!;
    const detail = await c.leafDetail({ session: s.session, chunk: leaf! });
    const row = detail.rows.find((x) => x.origin === origin)!;
    for (const slot of slots) expect(row.cells[detail.slots.indexOf(slot)]).toBe(chunk);
  }
  const free = fine.counts.free!.indexOf(1);
  expect(await c.chunkInfo({ session: s.session, chunk: free })).toMatchObject({ role: 'free', exception: null });
  await expect(c.chunkInfo({ session: s.session, chunk: chunkCount })).rejects.toMatchObject({ code: 'bad-request' });

  // A write changes the map: the index behind it is rebuilt.
  const before = sum(owners.shared) + sum(owners.slots.flatMap((o) => o.counts));
  const after = await c.writeChunk({ session: s.session, to: 'origin', chunk: 2047, fill: 1 });
  const again = (await c.occupancy({ session: s.session, start: 0, end: chunkCount, buckets: 1, bySnapshot: true })).owners!;
  expect(sum(again.shared) + sum(again.slots.flatMap((o) => o.counts))).toBe(before + (after.exceptions - exceptions));
});

it('persistent store: every data chunk is slot 0 alone; a chunk names its table entry', async () => {
  const dir = tempDir();
  const { cow, origin } = persistentPair(dir);
  const r = inProcess(dir);
  service = r.service;
  const c = r.client;
  const s = await c.open({ cow, origin, write: true });
  for (const chunk of [7, 3, 5]) await c.writeChunk({ session: s.session, to: 'origin', chunk, fill: chunk });
  const occ = await c.occupancy({ session: s.session, start: 0, end: s.info.chunkCount, buckets: 8, bySnapshot: true });
  expect(occ.owners).toEqual({ slots: [{ slot: 0, counts: occ.counts.data }], shared: new Array(occ.buckets).fill(0) });
  const rows = (await c.exceptionTable({ session: s.session, offset: 0, limit: 10 })).rows;
  for (const row of rows) {
    expect(await c.chunkInfo({ session: s.session, chunk: row.chunk })).toEqual({ chunk: row.chunk, role: 'data', exception: { origin: row.origin, slots: [0], leaf: null, entry: row.entry } });
  }
  expect((await c.chunkInfo({ session: s.session, chunk: 1 })).role).toBe('metadata-area');
});
