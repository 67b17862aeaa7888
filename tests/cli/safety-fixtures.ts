import { execFileSync } from 'node:child_process';
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

/** Attaches `file` to a free loop device, detached when the test ends (only what this test attached). */
export function loop(file: string, options: { readOnly?: boolean } = {}): string {
  const dev = execFileSync('losetup', ['-f', '--show', ...(options.readOnly ? ['-r'] : []), file], { encoding: 'utf8' }).trim();
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
  return { origin, cow };
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
