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

// 1 KiB chunks: 64 entries an area, so TOTAL exceptions cross 47 area boundaries.
const CHUNK_SECTORS = 2;
const TOTAL = 3000;
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
    const cow = emptyCow();
    const finished = run('kernel-appender.mjs', [cow, String(CHUNK_SECTORS), String(TOTAL)]);
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
      expect(final.count).toBe(TOTAL);
      const old = Array.from(final.oldChunk.subarray(0, TOTAL));
      const neu = Array.from(final.newChunk.subarray(0, TOTAL));
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

  it('follows a kernel merge: sees only prefixes of the table as it was, never growing, down to empty', async () => {
    const cow = emptyCow();
    await run('kernel-appender.mjs', [cow, String(CHUNK_SECTORS), String(TOTAL)]);
    const dev = FileDevice.open(cow);
    try {
      const before = new LiveTableReader(dev).read();
      expect(before.count).toBe(TOTAL);
      const old = Array.from(before.oldChunk.subarray(0, TOTAL));
      // A snapshot's reader takes a shorter table for a torn read: it refuses one that stays shorter.
      const growing = new LiveTableReader(dev);
      growing.read();
      await run('kernel-merger.mjs', [cow, String(CHUNK_SECTORS), String(TOTAL), String(TOTAL - 100)]);
      expect(() => growing.read()).toThrow(/kept shrinking between reads; is it still the same COW \(or is the kernel merging it\)\?/);

      const reader = new LiveTableReader(dev, Date.now, { merging: true });
      const first = reader.open();
      expect(first.store.state.table.count).toBe(TOTAL - 100);
      const merger = run('kernel-merger.mjs', [cow, String(CHUNK_SECTORS), String(TOTAL - 100), '0']);
      let done = false;
      void merger.then(() => (done = true));
      const counts: number[] = [];
      while (!done) {
        const r = reader.open();
        const { table } = r.store.state;
        expect(r.previous).toBeGreaterThanOrEqual(table.count);
        counts.push(table.count);
        expect(Array.from(table.oldChunk.subarray(0, table.count))).toEqual(old.slice(0, table.count));
        await new Promise((r) => setImmediate(r));
      }
      await merger;
      expect(reader.read().count).toBe(0);
      for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeLessThanOrEqual(counts[i - 1]!);
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

/** Runs one of the kernel stand-ins next to this file in another process. */
function run(script: string, args: string[]): Promise<void> {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, script), ...args]);
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited ${code}`))));
  });
}

/** An empty persistent COW in a new directory, as the kernel formats it: the header, then 8 MiB of zeros. */
function emptyCow(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-'));
  dirs.push(dir);
  const header = Buffer.alloc(1024);
  header.write('SnAp', 0, 'latin1');
  header.writeUInt32LE(1, 4);
  header.writeUInt32LE(1, 8);
  header.writeUInt32LE(CHUNK_SECTORS, 12);
  const cow = path.join(dir, 'cow.img');
  fs.writeFileSync(cow, Buffer.concat([header, Buffer.alloc(8 << 20)]));
  return cow;
}
