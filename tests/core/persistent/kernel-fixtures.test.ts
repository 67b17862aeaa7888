import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { PersistentStore } from '../../../src-core/persistent/index.ts';
import { readViewChunk } from '../../../src-core/view.ts';
import { SnapscopeError } from '../../../src-core/errors.ts';
import { Fixture, pristineOrigin, writeData, type CaseName } from './kernel-fixtures.ts';

function snapshotView(store: PersistentStore, origin: MemoryDevice): Uint8Array {
  const out = new Uint8Array(origin.size);
  const chunk = new Uint8Array(store.chunkBytes);
  for (let c = 0; c < origin.size / store.chunkBytes; c++) {
    readViewChunk(store, origin, 0, c, chunk);
    out.set(chunk, c * store.chunkBytes);
  }
  return out;
}

const VALID: CaseName[] = ['p-basic-c8', 'p-multiarea-c8', 'p-fullarea-c8', 'p-merge-full'];

describe.each(VALID)('kernel fixture %s', (name) => {
  const fx = new Fixture(name);

  it('reproduces the snapshot view byte for byte, and the origin view', () => {
    const origin = fx.device('origin', true);
    const store = PersistentStore.open(fx.device('cow', true));
    expect(Buffer.from(snapshotView(store, origin)).equals(Buffer.from(fx.image('snapshot-view')))).toBe(true);
    expect(Buffer.from(origin.bytes).equals(Buffer.from(fx.image('origin-view')))).toBe(true);
  });

  it('reports the usage dmsetup status printed', () => {
    const store = PersistentStore.open(fx.device('cow', true));
    expect(store.statusText()).toBe(fx.statusOf('snap', 'after-writes', 'snap'));
    const distinct = new Set(fx.manifest.writes.map((w) => w.chunk)).size;
    expect(store.exceptions).toBe(distinct);
    expect(store.info()).toMatchObject({ readOnly: true, notes: [] });
  });

  it('writes the same COW and origin as the kernel when replaying the same writes', () => {
    const m = fx.manifest;
    const origin = new MemoryDevice(pristineOrigin(m), 'origin');
    const cow = new MemoryDevice(m.cow_bytes, 'cow');
    const store = PersistentStore.format(cow, { chunkBytes: m.chunk_bytes });
    for (const w of m.writes) {
      const data = writeData(w);
      const offset = (w.sector % m.chunk_sectors) * 512;
      if (w.target === 'origin') store.writeOrigin(origin, w.chunk, data, offset);
      else store.writeSnapshot(origin, 0, w.chunk, data, offset);
    }
    store.commit();
    expect(Buffer.from(cow.bytes).equals(Buffer.from(fx.image('cow')))).toBe(true);
    expect(Buffer.from(origin.bytes).equals(Buffer.from(fx.image('origin')))).toBe(true);
    expect(store.statusText()).toBe(fx.statusOf('snap', 'after-writes', 'snap'));
  });
});

describe('kernel fixture p-fullarea-c8', () => {
  it('reads a full area 0 and an empty area 1 as the kernel does', () => {
    const store = PersistentStore.open(new Fixture('p-fullarea-c8').device('cow', true));
    expect(store.areas().map((a) => [a.index, a.chunk, a.entries, a.full])).toEqual([
      [0, 1, 256, true],
      [1, 258, 0, false],
    ]);
    expect(store.kernelStatus()).toEqual({ allocatedSectors: 2072, totalSectors: 4096, metadataSectors: 24 });
  });
});

describe('kernel fixture p-merge-full', () => {
  const fx = new Fixture('p-merge-full');

  it('merges into the origin and COW the kernel produced', () => {
    const origin = fx.device('origin');
    const cow = fx.device('cow');
    const store = PersistentStore.open(cow, { write: true });
    const result = runToEnd(store.merge(origin, 0, { batchBytes: 16 << 10 }));
    expect(result.chunks).toBe(45);
    expect(Buffer.from(origin.bytes).equals(Buffer.from(fx.image('origin-after')))).toBe(true);
    expect(Buffer.from(cow.bytes).equals(Buffer.from(fx.image('cow-after')))).toBe(true);
    expect(store.statusText()).toBe(fx.statusOf('merge-full', 'merge-end', 'origin'));
    expect(PersistentStore.open(cow).statusText()).toBe('16/2048 16');
  });
});

describe('kernel fixture p-overflow', () => {
  const fx = new Fixture('p-overflow');

  it('opens invalid and read-only, keeps the table and usage, fails snapshot reads like EIO', () => {
    const store = PersistentStore.open(fx.device('cow', true), { write: false });
    expect(store.valid).toBe(false);
    expect(store.readOnly).toBe(true);
    expect(store.statusText()).toBe(fx.statusOf('snap', 'after-writes', 'snap'));
    expect(store.exceptions).toBe(14);
    expect(store.kernelStatus()).toEqual({ allocatedSectors: 128, totalSectors: 128, metadataSectors: 16 });
    expect(store.info().notes.join()).toMatch(/invalid/);
    expect(fx.has('snapshot-view')).toBe(false);
    const origin = fx.device('origin', true);
    expect(() => readViewChunk(store, origin, 0, 0, new Uint8Array(4096))).toThrow(/invalid.*EIO/);
    expect(() => store.writeOrigin(origin, 0, new Uint8Array(1))).toThrow(SnapscopeError);
    expect(() => store.merge(origin, 0)).toThrow(/invalid/);
  });

  it('refuses the 15th exception of a 16-chunk COW, writing nothing', () => {
    const m = fx.manifest;
    const origin = new MemoryDevice(pristineOrigin(m), 'origin');
    const cow = new MemoryDevice(m.cow_bytes, 'cow');
    const store = PersistentStore.format(cow, { chunkBytes: m.chunk_bytes });
    const writes = m.writes.filter((w) => w.target === 'origin');
    for (const w of writes.slice(0, 14)) store.writeOrigin(origin, w.chunk, writeData(w));
    const before = Buffer.from(cow.bytes);
    const originBefore = Buffer.from(origin.bytes);
    const w = writes[14]!;
    expect(() => store.writeOrigin(origin, w.chunk, writeData(w))).toThrow(expect.objectContaining({ code: 'no-space' }));
    expect(before.equals(Buffer.from(cow.bytes))).toBe(true);
    expect(originBefore.equals(Buffer.from(origin.bytes))).toBe(true);
    // The table the kernel left: the same 14 entries.
    const kernel = PersistentStore.open(fx.device('cow', true)).exceptionTable();
    expect(Array.from(store.exceptionTable().oldChunk)).toEqual(Array.from(kernel.oldChunk));
  });
});
