import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { inProcess, persistentPair, tempDir } from './fixtures.ts';

/**
 * Writes are refused on a COW or origin someone else uses, naming the user — for real: loop
 * devices attached to the images, a filesystem mounted from one. Needs root and loop devices.
 */
const why = process.getuid?.() !== 0 ? 'not root: cannot attach loop devices' : !fs.existsSync('/dev/loop-control') ? 'no loop devices here' : null;
const title = (t: string): string => `${t}${why ? ` (skipped: ${why})` : ''}`;

let service: EngineService | null = null;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await service?.dispose();
  service = null;
  for (const undo of cleanups.splice(0).reverse()) undo();
});

function attach(image: string): string {
  const loop = execFileSync('losetup', ['-f', '--show', image], { encoding: 'utf8' }).trim();
  cleanups.push(() => spawnSync('losetup', ['-d', loop]));
  return loop;
}

function setup() {
  const dir = tempDir();
  const r = inProcess(dir);
  service = r.service;
  return { dir, c: r.client, service: r.service, ...persistentPair(dir) };
}

it.skipIf(why !== null)(title('refuses to open an image attached to a loop device for write, naming the loop device'), async () => {
  const { c, cow, origin } = setup();
  const loop = attach(cow);
  await expect(c.open({ cow, origin, write: true })).rejects.toMatchObject({ code: 'in-use', message: `COW ${cow} is in use (attached to ${loop}); refusing to write to it` });
  const originLoop = attach(origin);
  spawnSync('losetup', ['-d', loop]);
  await expect(c.open({ cow, origin, write: true })).rejects.toMatchObject({ code: 'in-use', message: expect.stringContaining(`origin ${origin} is in use (attached to ${originLoop})`) });
  // Reading never asks.
  expect((await c.open({ cow, origin })).write).toBe(false);
});

it.skipIf(why !== null)(title('asks again before a write and before a merge: an image attached after the open'), async () => {
  const { c, cow, origin } = setup();
  const s = await c.open({ cow, origin, write: true });
  await c.writeChunk({ session: s.session, to: 'snap', chunk: 3, fill: 3 });
  const loop = attach(origin);
  await expect(c.writeChunk({ session: s.session, to: 'origin', chunk: 1, fill: 1 })).rejects.toMatchObject({ code: 'in-use', message: expect.stringContaining(`(attached to ${loop}); refusing to write`) });
  await expect(c.merge({ session: s.session, snapshot: 'snap' })).rejects.toMatchObject({ code: 'in-use', message: `origin ${origin} is in use (attached to ${loop}); refusing to merge` });
  await expect(c.randomWrites({ session: s.session, to: 'origin', count: 5 })).rejects.toMatchObject({ code: 'in-use' });
  spawnSync('losetup', ['-d', loop]);
  const merged = await c.jobWait({ job: (await c.merge({ session: s.session, snapshot: 'snap' })).id });
  expect(merged.state).toBe('done');
});

it.skipIf(why !== null)(title('refuses a block device with a mounted filesystem, naming the mount point; lists it as in use'), async (ctx) => {
  const { dir, c } = setup();
  const image = path.join(dir, 'fs.img');
  fs.writeFileSync(image, Buffer.alloc(0));
  fs.truncateSync(image, 8 << 20);
  const loop = attach(image);
  const mkfs = spawnSync('mkfs.ext4', ['-q', loop]);
  const mountPoint = path.join(dir, 'mnt');
  fs.mkdirSync(mountPoint);
  const mounted = mkfs.status === 0 && spawnSync('mount', [loop, mountPoint]).status === 0;
  if (!mounted) return ctx.skip(`could not mkfs.ext4 and mount ${loop} here`);
  cleanups.push(() => spawnSync('umount', [mountPoint]));
  await expect(c.open({ cow: loop, write: true })).rejects.toMatchObject({ code: 'in-use', message: `COW ${loop} is in use (mounted on ${mountPoint}); refusing to write to it` });
  const listed = (await c.listDevices({ dir })).devices.find((d) => d.path === loop);
  expect(listed?.inUse).toBe(`mounted on ${mountPoint}`);
  expect(listed?.backingFile).toBe(image);
});

it.skipIf(why !== null)(title('refuses a device held by device-mapper, naming the dm device'), async (ctx) => {
  const { dir, c } = setup();
  const image = path.join(dir, 'held.img');
  fs.writeFileSync(image, Buffer.alloc(0));
  fs.truncateSync(image, 1 << 20);
  const loop = attach(image);
  const name = `snapscope-test-${process.pid}`;
  const created = spawnSync('dmsetup', ['create', name, '--table', `0 2048 linear ${loop} 0`], { encoding: 'utf8' });
  if (created.status !== 0) return ctx.skip(`device-mapper is not usable here (${(created.stderr || 'no dmsetup').trim().split('\n')[0]})`);
  cleanups.push(() => spawnSync('dmsetup', ['remove', name]));
  await expect(c.open({ cow: loop, write: true })).rejects.toMatchObject({ code: 'in-use', message: expect.stringMatching(new RegExp(`held by dm-\\d+ \\(${name}\\)`)) });
});
