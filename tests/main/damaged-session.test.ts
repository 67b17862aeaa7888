/**
 * Issue 13 point 3 in the host: a store with one bad leaf (or a persistent table with one bad
 * entry) opens in a read-only session tolerating the damage (header, usage, snapshots marked
 * damaged, the damage counted) instead of failing, and every write is refused saying the store is
 * damaged. Asked for writing, it opens read-only.
 */
import fs from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import type { EngineClient } from '../../src-core/api/contract.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { inProcess, persistentPair, tempDir } from './fixtures.ts';

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

it('a persistent table with one bad entry opens read-only; only the origin chunk it names is unproven', async () => {
  const dir = tempDir();
  const r = inProcess(dir);
  service = r.service;
  const c = r.client;
  const pair = persistentPair(dir);
  const w = await c.open({ cow: pair.cow, origin: pair.origin, write: true });
  for (const chunk of [5, 6, 7]) await c.writeChunk({ session: w.session, to: 'origin', chunk, fill: chunk });
  await c.close({ session: w.session });
  // Entry 1 (origin chunk 6): new_chunk past the end of the COW.
  const fd = fs.openSync(pair.cow, 'r+');
  const bad = Buffer.alloc(8);
  bad.writeBigUInt64LE(1n << 40n);
  fs.writeSync(fd, bad, 0, 8, 4096 + 16 + 8);
  fs.closeSync(fd);

  const s = await c.open({ cow: pair.cow, origin: pair.origin, write: true });
  expect(s.write).toBe(false);
  expect(s.info.damage).toMatchObject({ errors: 1, first: expect.stringContaining('[p-chunk-out-of-range]') });
  expect(s.info.snapshots).toMatchObject([{ name: 'snap', exceptions: 2, damaged: true }]);
  // The snapshot still reads where its table proves the mapping (its copy of chunk 5: the origin's zeros).
  const five = await c.readChunk({ session: s.session, from: 0, chunk: 5 });
  expect(Buffer.from(five.data, 'base64').every((b) => b === 0)).toBe(true);
  await expect(c.readChunk({ session: s.session, from: 0, chunk: 6 })).rejects.toMatchObject({ code: 'corrupt', message: expect.stringContaining('origin chunk 6 cannot be proven') });
  await expect(c.writeChunk({ session: s.session, to: 'origin', chunk: 8, fill: 1 })).rejects.toMatchObject({ code: 'read-only', message: expect.stringMatching(/damaged/) });
  await c.close({ session: s.session });
});
