import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { SharedStore } from '../../src-core/shared/index.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { writeOrigin } from './cli.ts';

/** Loop devices need root and /dev/loop-control; elsewhere tests that name a device skip, saying so. */
export const canLoop = ((): boolean => {
  try {
    execFileSync('losetup', ['--version'], { stdio: 'ignore' });
    return process.getuid?.() === 0 && fs.existsSync('/dev/loop-control');
  } catch {
    return false;
  }
})();

/**
 * Attaches `file` to a free loop device, detached when the test ends (only what this test attached).
 * `offset` and `sizeLimit`: the bytes of the file it spans (losetup -o, --sizelimit); `partScan`:
 * losetup -P, whose detach also removes the partitions added to the device.
 */
export function loop(file: string, options: { readOnly?: boolean; offset?: number; sizeLimit?: number; partScan?: boolean } = {}): string {
  const args = [...(options.readOnly ? ['-r'] : []), ...(options.partScan ? ['-P'] : [])];
  if (options.offset !== undefined) args.push('-o', String(options.offset));
  if (options.sizeLimit !== undefined) args.push('--sizelimit', String(options.sizeLimit));
  const dev = execFileSync('losetup', ['-f', '--show', ...args, file], { encoding: 'utf8' }).trim();
  onTestFinished(() => {
    execFileSync('losetup', ['-d', dev]);
  });
  return dev;
}

/** sha256 of a file or block device, read in full. */
export function digest(p: string): string {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(p, 'r');
  const buf = Buffer.alloc(1 << 20);
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

/** Hashes of every input; `unchanged()` asserts they and the device nodes are all still there as they were. */
export function guard(...inputs: string[]): { unchanged(): void } {
  const before = inputs.map(digest);
  const nodes = inputs.filter((p) => fs.statSync(p).isBlockDevice());
  return {
    unchanged() {
      for (const n of nodes) expect(fs.statSync(n).isBlockDevice(), `${n} still a device node`).toBe(true);
      expect(inputs.map(digest), 'inputs unchanged').toEqual(before);
    },
  };
}

/**
 * A 1 MiB origin and a 2 MiB shared store with snapshots 'one' (chunks 1, 2 rewritten) and 'two'
 * (chunk 3), built in process (a CLI call costs a second on a loaded machine); the commands under
 * test then run as real processes.
 */
export function sharedVolume(dir: string, extraOriginWrites = 0): { origin: string; cow: string } {
  const origin = path.join(dir, 'origin.img');
  const cow = path.join(dir, 'shared.cow');
  writeOrigin(origin, Math.max(1 << 20, (10 + extraOriginWrites) * 4096), 4096);
  blank(cow, (2 << 20) + extraOriginWrites * 8192);
  fillSharedVolume(origin, cow, extraOriginWrites);
  return { origin, cow };
}

/** Formats `cow` (a file or a device of 2 MiB or more) as sharedVolume's store over the origin file `origin`, writing both. */
export function fillSharedVolume(origin: string, cow: string, extraOriginWrites = 0): void {
  const o = FileDevice.open(origin, { write: true });
  const c = FileDevice.open(cow, { write: true });
  try {
    const store = SharedStore.format(c, { chunkBytes: 4096 });
    const fill = (b: number): Uint8Array => new Uint8Array(4096).fill(b);
    store.createSnapshot({ name: 'one' });
    store.writeOrigin(o, 1, fill(0xa1));
    store.writeSnapshot(o, 0, 2, fill(0xb2));
    store.createSnapshot({ name: 'two' });
    store.writeOrigin(o, 3, fill(0xc3));
    for (let i = 0; i < extraOriginWrites; i++) store.writeOrigin(o, 10 + i, fill(i & 255));
    store.commit();
    store.close();
  } finally {
    c.close();
    o.close();
  }
}

export function ok(r: { code: number; stdout: string; stderr: string }): string {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Zero-filled image of `bytes`. */
export function blank(file: string, bytes: number): string {
  fs.writeFileSync(file, '');
  fs.truncateSync(file, bytes);
  return file;
}

/** Whether this machine can give a loop device partitions: loop devices, and partx to add them. */
export const canPartition = canLoop && spawnSync('partx', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * A disk image of 8 MiB whose MBR holds two partitions, bytes 1..3 MiB and 3..5 MiB, attached to a
 * loop device, with a node for each partition made in `dir`. This kernel does not read the MBR
 * itself (no MS-DOS partition parser: `losetup -P` gives no partitions), so partx adds them (the
 * BLKPG ioctl); the loop is attached with -P so that detaching it removes them again. Without udev
 * the kernel's /dev nodes come late, hence nodes of our own.
 */
export function partitionedDisk(dir: string): { image: string; disk: string; parts: [string, string] } {
  const image = blank(path.join(dir, 'disk.img'), 8 << 20);
  const mbr = Buffer.alloc(512);
  [2048, 6144].forEach((start, i) => {
    mbr[446 + 16 * i + 4] = 0x83;
    mbr.writeUInt32LE(start, 446 + 16 * i + 8);
    mbr.writeUInt32LE(4096, 446 + 16 * i + 12);
  });
  mbr.writeUInt16LE(0xaa55, 510);
  fs.writeFileSync(image, mbr, { flag: 'r+' });
  const disk = loop(image, { partScan: true });
  const name = path.basename(disk);
  // Where the kernel did read the MBR, partx finds them there already and says so: its status is not ours to check.
  if (!fs.existsSync(`/sys/block/${name}/${name}p2`)) spawnSync('partx', ['-a', disk], { stdio: 'ignore' });
  const parts = [1, 2].map((n) => {
    const [major, minor] = fs.readFileSync(`/sys/block/${name}/${name}p${n}/dev`, 'utf8').trim().split(':');
    const node = path.join(dir, `${name}p${n}`);
    execFileSync('mknod', [node, 'b', major!, minor!]);
    return node;
  });
  return { image, disk, parts: parts as [string, string] };
}
