/**
 * Issue #12 point 3 with a real process: `write --to origin` on a shared store says its write is
 * committed when it returns, so the origin must be fsync'd after its last write (the store used to
 * flush only the COW). Watched with strace; skipped where strace is not installed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../src-core/io/memory-device.ts';
import { SharedStore } from '../../src-core/shared/index.ts';
import { tempDir } from './cli.ts';

const STRACE = ['/usr/bin/strace', '/bin/strace'].find((p) => fs.existsSync(p));
const BIN = path.resolve(import.meta.dirname, '../../bin/snapscope.mjs');
const CHUNK = 4096;

describe.skipIf(!STRACE)('origin writes are fsync-ed before the command returns (needs strace)', () => {
  for (const snapshots of [0, 1]) {
    it(`write --to origin, ${snapshots ? 'copying on write first' : 'no snapshot'}`, { timeout: 60_000 }, () => {
      const dir = tempDir();
      const cow = path.join(dir, 'cow.img');
      const origin = path.join(dir, 'origin.img');
      const mem = new MemoryDevice(CHUNK * 256, 'cow');
      const store = SharedStore.format(mem, { chunkBytes: CHUNK });
      if (snapshots) store.createSnapshot({ name: 'A' });
      store.close();
      fs.writeFileSync(cow, mem.bytes);
      fs.writeFileSync(origin, Buffer.alloc(CHUNK * 16));
      const trace = path.join(dir, 'trace.txt');
      const r = spawnSync(STRACE!, ['-f', '-qq', '-y', '-e', 'trace=pwrite64,write,fsync,fdatasync', '-o', trace, process.execPath, BIN, 'write', origin, cow, '--to', 'origin', '--chunk', '3', '--fill', '7'], {
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      expect(fs.readFileSync(origin)[3 * CHUNK]).toBe(7);
      const lines = fs.readFileSync(trace, 'utf8').split('\n');
      const onOrigin = (l: string) => l.includes(`<${fs.realpathSync(origin)}>`);
      const lastWrite = lines.findIndex((l, i) => onOrigin(l) && /pwrite64|write\(/.test(l) && !lines.slice(i + 1).some((m) => onOrigin(m) && /pwrite64|write\(/.test(m)));
      expect(lastWrite, 'the origin was never written').toBeGreaterThanOrEqual(0);
      expect(lines.slice(lastWrite + 1).some((l) => onOrigin(l) && /fsync|fdatasync/.test(l)), 'no fsync of the origin after its last write').toBe(true);
    });
  }
});
