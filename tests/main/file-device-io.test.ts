import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SnapscopeError } from '../../src-core/errors.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-fdio-'));
  file = path.join(dir, 'img');
  fs.writeFileSync(file, Buffer.alloc(16384, 7));
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

const thrown = (f: () => void): SnapscopeError => {
  try {
    f();
  } catch (e) {
    return e as SnapscopeError;
  }
  throw new Error('did not throw');
};

describe('FileDevice reads and writes (one positional call each)', () => {
  it('reads and writes whole blocks at their offsets', () => {
    const dev = FileDevice.open(file, { write: true });
    dev.write(4096, new Uint8Array(4096).fill(1));
    dev.writev(8192, [new Uint8Array(4096).fill(2), new Uint8Array(4096).fill(3)]);
    const got = new Uint8Array(16384);
    dev.read(0, got);
    expect([got[0], got[4096], got[8191], got[8192], got[12288], got[16383]]).toEqual([7, 1, 1, 2, 3, 3]);
    dev.close();
  });

  it('a failing call is one io error naming the device and offset', () => {
    const dev = FileDevice.open(file, { write: true });
    // The descriptor closed underneath: each call fails in the system call (EBADF), not before it.
    fs.closeSync(dev.handle());
    for (const call of [() => dev.read(4096, new Uint8Array(512)), () => dev.write(8192, new Uint8Array(512)), () => dev.writev(512, [new Uint8Array(512)])]) {
      const e = thrown(call);
      expect(e).toBeInstanceOf(SnapscopeError);
      expect(e.code).toBe('io');
      expect(e.message).toMatch(new RegExp(`^I/O error on ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} at offset (4096|8192|512): .*EBADF`));
    }
  });

  it('reads take no clock until a walk hints ahead (random reads of a store past its cache)', () => {
    const dev = FileDevice.open(file);
    const now = vi.spyOn(performance, 'now');
    const block = new Uint8Array(4096);
    for (let i = 0; i < 4; i++) dev.read(i * 4096, block);
    expect(now).not.toHaveBeenCalled();
    dev.prefetch(0, 4096);
    dev.read(0, block);
    expect(now).toHaveBeenCalled();
    dev.close();
  });
});
