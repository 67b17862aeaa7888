import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileDevice } from '../../../src-main/host/file-device.ts';
import { DirectDevice } from '../../../src-main/host/live/direct-device.ts';

const root = process.getuid?.() === 0;
const hasLosetup = root && (() => {
  try {
    execFileSync('losetup', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasLosetup)('direct reads of a device written under the page cache (loop devices, root)', () => {
  it('sees a change that a buffered read of the same device misses', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'direct-'));
    const img = path.join(dir, 'disk.img');
    fs.writeFileSync(img, Buffer.alloc(1 << 20, 0x11));
    const loop = execFileSync('losetup', ['-f', '--show', img], { encoding: 'utf8' }).trim();
    try {
      const buffered = FileDevice.open(loop);
      const direct = DirectDevice.open(loop);
      const a = new Uint8Array(5000);
      buffered.read(3000, a); // caches the device's pages
      expect(a.every((b) => b === 0x11)).toBe(true);
      // Another writer reaches the disk without the device's page cache, as dm-snapshot's bios do.
      const fd = fs.openSync(img, 'r+');
      fs.writeSync(fd, Buffer.alloc(5000, 0x22), 0, 5000, 3000);
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      buffered.read(3000, a);
      expect(a.every((b) => b === 0x11)).toBe(true); // stale: why live reads must be direct
      const d = new Uint8Array(5000);
      direct.read(3000, d);
      expect(d.every((b) => b === 0x22)).toBe(true);
      // unaligned edges and reads larger than the bounce buffer
      const whole = new Uint8Array((1 << 20) - 7);
      direct.read(7, whole);
      expect(whole[3000 - 7 - 1]).toBe(0x11);
      expect(whole[3000 - 7]).toBe(0x22);
      expect(whole[8000 - 7]).toBe(0x11);
      expect(() => direct.write()).toThrow(/read-only/);
      buffered.close();
      direct.close();
    } finally {
      execFileSync('losetup', ['-d', loop]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
