import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveTableReader } from '../../../src-core/live/live-table.ts';
import { PersistentStore } from '../../../src-core/persistent/persistent-store.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { FileDevice } from '../../../src-main/host/file-device.ts';
import { CASES, Fixture } from '../persistent/kernel-fixtures.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('reading a live persistent COW', () => {
  it('reads what the engine reads from every kernel fixture', () => {
    for (const c of CASES) {
      const f = new Fixture(c);
      const live = new LiveTableReader(f.device('cow', true)).read();
      expect(live.valid, c).toBe(c !== 'p-overflow');
      if (!live.valid) continue;
      const { table } = PersistentStore.open(f.device('cow', true)).state;
      expect(live.count, c).toBe(table.count);
      expect(live.oldChunk.subarray(0, live.count), c).toEqual(table.wideOldChunk().subarray(0, table.count));
      expect(live.newChunk.subarray(0, live.count), c).toEqual(table.newChunk.subarray(0, table.count));
    }
  });

  it('sees only prefixes of the final table, never shrinking, while another process appends', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-'));
    dirs.push(dir);
    const cow = path.join(dir, 'cow.img');
    // 1 KiB chunks: 64 entries an area, so 3,000 exceptions cross 47 area boundaries.
    const chunkSectors = 2;
    const total = 3000;
    const header = Buffer.alloc(1024);
    header.write('SnAp', 0, 'latin1');
    header.writeUInt32LE(1, 4);
    header.writeUInt32LE(1, 8);
    header.writeUInt32LE(chunkSectors, 12);
    fs.writeFileSync(cow, Buffer.concat([header, Buffer.alloc(8 << 20)]));
    const writer = spawn(process.execPath, [path.join(import.meta.dirname, 'kernel-appender.mjs'), cow, String(chunkSectors), String(total)]);
    const finished = new Promise<void>((resolve, reject) => {
      writer.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`appender exited ${code}`))));
    });
    let done = false;
    void finished.then(() => (done = true));
    const dev = FileDevice.open(cow);
    const reader = new LiveTableReader(dev);
    const counts: number[] = [];
    const snapshots: { old: number[]; neu: number[] }[] = [];
    try {
      while (!done) {
        const t = reader.read();
        counts.push(t.count);
        snapshots.push({ old: Array.from(t.oldChunk.subarray(0, t.count)), neu: Array.from(t.newChunk.subarray(0, t.count)) });
        await new Promise((r) => setImmediate(r));
      }
      await finished;
      const final = reader.read();
      expect(final.count).toBe(total);
      const old = Array.from(final.oldChunk.subarray(0, total));
      const neu = Array.from(final.newChunk.subarray(0, total));
      for (const s of snapshots) {
        expect(s.old).toEqual(old.slice(0, s.old.length));
        expect(s.neu).toEqual(neu.slice(0, s.neu.length));
      }
      for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeGreaterThanOrEqual(counts[i - 1]!);
      expect(counts.length).toBeGreaterThan(1);
    } finally {
      dev.close();
    }
  });

  it('refuses what is not a persistent COW, naming it', () => {
    const f = new Fixture('p-basic-c8');
    const img = f.image('origin');
    const dev = new MemoryDevice(img, 'origin.img', true);
    expect(() => new LiveTableReader(dev).read()).toThrow(/origin.img: bad magic 0x[0-9a-f]{8} at offset 0/);
  });
});
