/**
 * The persistent merge as the CLI and the UI run it (mergeTask): onto a file origin (O_DIRECT
 * writer thread and gated background flush), a file on tmpfs (O_DIRECT refused: buffered writes
 * and a flush thread of its own) and a loop device, in small batches so each batch's flush
 * overlaps the next batch's copy. The origin ends as the snapshot's image, the COW empty, and no
 * descriptor of the merge's threads is left open on the origin.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runToEnd } from '../../src-core/jobs/job.ts';
import { PersistentStore } from '../../src-core/persistent/index.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { mergeTask } from '../../src-main/host/merges.ts';
import { tempDir } from './fixtures.ts';

const CHUNK = 4096;
const ORIGIN_CHUNKS = 512;
const loops: string[] = [];
const cleanUp: string[] = [];

afterEach(() => {
  for (const dev of loops.splice(0)) spawnSync('losetup', ['-d', dev]);
  for (const dir of cleanUp.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Descriptors of this process open on `target`. */
const fdsOn = (target: string) =>
  fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`) === target;
    } catch {
      return false;
    }
  }).length;

/** 120 origin writes, in an order that breaks them into runs. */
const WRITES = Array.from({ length: 120 }, (_, k) => (k * 37 + (k >> 5)) % ORIGIN_CHUNKS);

/** Every origin chunk holds its number; the WRITES leave the old chunks in the COW. Returns the snapshot's image (the origin before). */
function populate(cowFile: string, originTarget: string): Uint8Array {
  const image = new Uint8Array(ORIGIN_CHUNKS * CHUNK);
  for (let c = 0; c < ORIGIN_CHUNKS; c++) new DataView(image.buffer).setUint32(c * CHUNK, c + 1, true);
  fs.writeFileSync(cowFile, '');
  fs.truncateSync(cowFile, 4 << 20);
  const origin = FileDevice.open(originTarget, { write: true });
  origin.write(0, image);
  const cow = FileDevice.open(cowFile, { write: true });
  const store = PersistentStore.format(cow, { chunkBytes: CHUNK });
  for (const c of WRITES) store.writeOrigin(origin, c, new Uint8Array(CHUNK).fill(0xee));
  store.close();
  origin.close();
  return image;
}

function mergeOnto(dir: string, originTarget: string): void {
  const cowFile = path.join(dir, 'p.cow');
  const image = populate(cowFile, originTarget);
  const cow = FileDevice.open(cowFile, { write: true });
  const origin = FileDevice.open(originTarget, { write: true });
  const store = PersistentStore.open(cow, { write: true });
  const result = runToEnd(mergeTask(store, origin, 0, undefined, 16)); // 16-chunk batches: many overlapped flushes
  expect(result.chunks).toBe(new Set(WRITES).size);
  expect(fdsOn(originTarget)).toBe(1); // the origin device's own
  store.close();
  origin.close();
  expect(PersistentStore.open(FileDevice.open(cowFile)).exceptions).toBe(0);
  expect(Buffer.compare(fs.readFileSync(originTarget).subarray(0, image.length), image)).toBe(0);
}

function originFile(dir: string): string {
  const file = path.join(dir, 'origin.img');
  fs.writeFileSync(file, '');
  fs.truncateSync(file, ORIGIN_CHUNKS * CHUNK);
  return file;
}

it('onto a file origin', () => {
  const dir = tempDir();
  cleanUp.push(dir);
  mergeOnto(dir, originFile(dir));
});

const shm = fs.existsSync('/dev/shm') ? null : 'no /dev/shm';
it.skipIf(shm !== null)('onto a file on tmpfs, where O_DIRECT is refused', () => {
  const dir = fs.mkdtempSync('/dev/shm/snapscope-main-');
  cleanUp.push(dir);
  mergeOnto(dir, originFile(dir));
});

const noLoop = process.getuid?.() !== 0 ? 'not root' : spawnSync('losetup', ['--version']).status !== 0 ? 'no losetup' : null;
it.skipIf(noLoop !== null)('onto a loop device', () => {
  const dir = tempDir();
  cleanUp.push(dir);
  loops.push(execFileSync('losetup', ['-f', '--show', originFile(dir)], { encoding: 'utf8' }).trim());
  mergeOnto(dir, loops[0]!);
});
