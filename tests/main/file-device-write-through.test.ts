/**
 * FileDevice.writeThrough (bulk merge writes past the page cache): page-aligned writes go through a
 * second descriptor opened with O_DIRECT, the rest (and file systems that refuse O_DIRECT) through
 * the buffered path; either way the file holds exactly the bytes written.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileDevice } from '../../src-main/host/file-device.ts';

const O_DIRECT = fs.constants.O_DIRECT;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-write-through-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Descriptors of this process open on `file` with O_DIRECT (from /proc/self/fdinfo's octal flags). */
function directDescriptors(file: string): number {
  const real = fs.realpathSync(file);
  let n = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    let target = '';
    try {
      target = fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue;
    }
    if (target !== real) continue;
    const flags = /flags:\s+([0-7]+)/.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
    if (flags && (parseInt(flags[1]!, 8) & O_DIRECT) !== 0) n++;
  }
  return n;
}

function pattern(bytes: number, seed: number): Uint8Array {
  const b = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

describe('FileDevice.writeThrough', () => {
  it('writes aligned data through an O_DIRECT descriptor, larger than its bounce buffer, and unaligned data buffered', () => {
    const file = path.join(dir, 'origin');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 24 << 20);
    const dev = FileDevice.open(file, { write: true });
    const big = pattern((8 << 20) + 3 * 4096, 1); // more than one bounce buffer
    dev.writeThrough(4096, big);
    expect(directDescriptors(file)).toBe(1);
    const odd = pattern(1000, 2);
    dev.writeThrough(20 << 20, odd.subarray(0, 512)); // sector- but not page-aligned: buffered
    dev.writeThrough((20 << 20) + 4096 + 100, odd); // unaligned: buffered
    dev.flush();
    const back = new Uint8Array(big.length);
    dev.read(4096, back);
    expect(Buffer.compare(back, big)).toBe(0);
    dev.close();
    expect(directDescriptors(file)).toBe(0);
    const disk = fs.readFileSync(file);
    expect(Buffer.compare(disk.subarray(4096, 4096 + big.length), big)).toBe(0);
    expect(disk.subarray(0, 4096).every((x) => x === 0)).toBe(true);
    expect(Buffer.compare(disk.subarray(20 << 20, (20 << 20) + 512), odd.subarray(0, 512))).toBe(0);
    expect(Buffer.compare(disk.subarray((20 << 20) + 4196, (20 << 20) + 5196), odd)).toBe(0);
  });

  it('writes its own bounce buffer without a copy: data read into throughBuffer lands as read', () => {
    const file = path.join(dir, 'origin');
    fs.writeFileSync(file, Buffer.alloc(4 << 20));
    const dev = FileDevice.open(file, { write: true });
    expect(dev.throughBuffer(65536)).toBeNull(); // none before the first direct write
    dev.writeThrough(0, pattern(4096, 5));
    const buf = dev.throughBuffer(1 << 20)!;
    buf.set(pattern(1 << 20, 6));
    dev.writeThrough(1 << 20, buf);
    dev.close();
    expect(Buffer.compare(fs.readFileSync(file).subarray(1 << 20, 2 << 20), pattern(1 << 20, 6))).toBe(0);
    expect(Buffer.compare(fs.readFileSync(file).subarray(0, 4096), pattern(4096, 5))).toBe(0);
  });

  it('reads after a direct write see the new bytes, not pages cached before it', () => {
    const file = path.join(dir, 'cow');
    fs.writeFileSync(file, Buffer.alloc(1 << 20, 7));
    const dev = FileDevice.open(file, { write: true });
    const before = new Uint8Array(65536);
    dev.read(65536, before); // now cached
    const data = pattern(65536, 3);
    dev.writeThrough(65536, data);
    const after = new Uint8Array(65536);
    dev.read(65536, after);
    expect(Buffer.compare(after, data)).toBe(0);
    dev.close();
  });

  it('refuses on a read-only device and past the end, writing nothing', () => {
    const file = path.join(dir, 'img');
    fs.writeFileSync(file, Buffer.alloc(8192));
    const ro = FileDevice.open(file);
    expect(() => ro.writeThrough(0, new Uint8Array(4096))).toThrow(/read-only/);
    ro.close();
    const dev = FileDevice.open(file, { write: true });
    expect(() => dev.writeThrough(4096, new Uint8Array(8192).fill(1))).toThrow(/past the end/);
    dev.close();
    expect(fs.readFileSync(file).every((x) => x === 0)).toBe(true);
  });

  it.skipIf(!fs.existsSync('/dev/shm'))('writes the same bytes on tmpfs, which refuses O_DIRECT before Linux 6.6 (then buffered)', () => {
    const shm = fs.mkdtempSync('/dev/shm/snapscope-write-through-');
    try {
      const file = path.join(shm, 'origin');
      fs.writeFileSync(file, Buffer.alloc(1 << 20));
      const dev = FileDevice.open(file, { write: true });
      const data = pattern(65536, 4);
      dev.writeThrough(8192, data);
      dev.close();
      expect(Buffer.compare(fs.readFileSync(file).subarray(8192, 8192 + 65536), data)).toBe(0);
    } finally {
      fs.rmSync(shm, { recursive: true, force: true });
    }
  });
});
