/**
 * Issue 13 point 3 in the host: a store with one bad leaf opens in a read-only session tolerating
 * the damage (header, usage, snapshots marked damaged, the damage counted) instead of failing, and
 * every write is refused saying the store is damaged. Asked for writing, it opens read-only.
 */
import fs from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import type { EngineClient } from '../../src-core/api/contract.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { inProcess, tempDir } from './fixtures.ts';

let service: EngineService;
afterEach(async () => service?.dispose());

/** A demo store with one flipped byte in the magic of the leaf holding origin chunk 1500. */
async function damagedDemo(c: EngineClient): Promise<{ cow: string; origin: string; leaf: number; snapshots: number; chunkBytes: number }> {
  const demo = await c.createDemo({});
  const s = await c.open({ cow: demo.cow });
  const leaf = (await c.pathTo({ session: s.session, key: 1500 })).leaf;
  await c.close({ session: s.session });
  const fd = fs.openSync(demo.cow, 'r+');
  const b = Buffer.alloc(1);
  fs.readSync(fd, b, 0, 1, leaf * s.info.chunkBytes);
  b[0]! ^= 0xff;
  fs.writeSync(fd, b, 0, 1, leaf * s.info.chunkBytes);
  fs.closeSync(fd);
  return { cow: demo.cow, origin: demo.origin!, leaf, snapshots: s.info.snapshots.length, chunkBytes: s.info.chunkBytes };
}

it('a store with one bad leaf opens read-only with header, usage, snapshots and the damage', async () => {
  const r = inProcess(tempDir());
  service = r.service;
  const c = r.client;
  const d = await damagedDemo(c);
  const s = await c.open({ cow: d.cow, origin: d.origin });
  expect(s.write).toBe(false);
  expect(s.info.damage?.errors).toBeGreaterThan(0);
  expect(s.info.header['root_tree_chunk']).toBeGreaterThan(0);
  expect(s.info.usage.totalChunks).toBeGreaterThan(0);
  expect(s.info.snapshots).toHaveLength(d.snapshots);
  // A leaf's share masks are lost with it: every snapshot may have had exceptions there.
  expect(s.info.snapshots.every((snap) => snap.damaged === true)).toBe(true);
  expect(s.info.notes.join('\n')).toMatch(/tree damaged: \d+ error/);
  // Writes are refused, saying why.
  await expect(c.snapshotCreate({ session: s.session, name: 'more' })).rejects.toMatchObject({ code: 'read-only', message: expect.stringMatching(/is damaged .*repair/) });
  // Reading a chunk the damaged leaf maps cannot be proven: it names the block instead of reading the origin.
  await expect(c.readChunk({ session: s.session, from: 0, chunk: 1500 })).rejects.toMatchObject({ code: 'corrupt' });
  await c.close({ session: s.session });
});

it('asked for writing, a damaged store opens read-only and says why', async () => {
  const r = inProcess(tempDir());
  service = r.service;
  const c = r.client;
  const d = await damagedDemo(c);
  const s = await c.open({ cow: d.cow, origin: d.origin, write: true });
  expect(s.write).toBe(false);
  expect(s.readOnlyReason).toMatch(/damaged/);
  expect(s.info.damage?.errors).toBeGreaterThan(0);
  await expect(c.writeChunk({ session: s.session, to: 'origin', chunk: 3, fill: 1 })).rejects.toMatchObject({ code: 'read-only', message: expect.stringMatching(/damaged/) });
  await c.close({ session: s.session });
});
