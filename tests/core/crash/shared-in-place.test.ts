/**
 * Issue #12 points 1-3 as a process kill leaves them (every write kept, nothing after it) and as a
 * power loss leaves them (unflushed sectors dropped): in-place snapshot writes never show through
 * another snapshot, a crash keeps the operations in order, and a commit makes origin writes durable.
 */
import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { PowerLossDevice, PowerRail } from '../../../src-core/io/power-loss-device.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { readViewChunk } from '../../../src-core/view.ts';

const CHUNK = 1024;

function volume() {
  const cow = new MemoryDevice(CHUNK * 256, 'cow');
  const origin = new MemoryDevice(CHUNK * 16, 'origin');
  const store = SharedStore.format(cow, { chunkBytes: CHUNK });
  return { cow, origin, store };
}

const fill = (byte: number) => new Uint8Array(CHUNK).fill(byte);

/** What `slot` reads at `chunk` after the process died: the store reopened from the bytes on disk. */
function readAfterKill(cow: MemoryDevice, origin: MemoryDevice, slot: number, chunk: number): number {
  const store = SharedStore.open(new MemoryDevice(cow.bytes.slice(), 'cow'));
  expect(store.verify().problems).toEqual([]);
  const buf = new Uint8Array(CHUNK);
  readViewChunk(store, origin, slot, chunk, buf);
  return buf[0]!;
}

/** Snapshots A (0) and B (1) share one committed exception of origin chunk 5, which holds 7s. */
function sharedException() {
  const v = volume();
  v.origin.write(5 * CHUNK, fill(7));
  v.store.createSnapshot({ name: 'A' });
  v.store.createSnapshot({ name: 'B' });
  v.store.writeOrigin(v.origin, 5, fill(9));
  v.store.commit();
  expect(v.store.lookup(0, 5)).toBe(v.store.lookup(1, 5));
  return v;
}

describe('in-place snapshot writes after a crash (point 1)', () => {
  it('B unshares, then A writes: a kill before the commit never shows A\'s data through B', () => {
    const v = sharedException();
    v.store.writeSnapshot(v.origin, 1, 5, fill(34));
    v.store.writeSnapshot(v.origin, 0, 5, fill(51));
    expect(readAfterKill(v.cow, v.origin, 1, 5)).not.toBe(51);
    expect([7, 34]).toContain(readAfterKill(v.cow, v.origin, 1, 5));
  });

  it('B is deleted, then A writes: a kill before the commit never shows A\'s data through B', () => {
    const v = sharedException();
    v.store.deleteSnapshot(1);
    v.store.writeSnapshot(v.origin, 0, 5, fill(51));
    const survivor = SharedStore.open(new MemoryDevice(v.cow.bytes.slice(), 'cow'));
    if (survivor.snapshots().some((s) => s.slot === 1)) expect(readAfterKill(v.cow, v.origin, 1, 5)).toBe(7);
  });
});

describe('a crash keeps operations in order (point 2)', () => {
  it('an in-place write is never on disk while an earlier copy-on-write of the same snapshot is lost', () => {
    const v = volume();
    v.store.createSnapshot({ name: 'A' });
    v.store.writeSnapshot(v.origin, 0, 5, fill(1));
    v.store.commit();
    v.store.writeSnapshot(v.origin, 0, 7, fill(2)); // a new exception: durable at the next commit
    v.store.writeSnapshot(v.origin, 0, 5, fill(3)); // in place into A's committed exception
    const five = readAfterKill(v.cow, v.origin, 0, 5);
    const seven = readAfterKill(v.cow, v.origin, 0, 7);
    if (five === 3) expect(seven, 'chunk 5 holds the later write, so chunk 7 must hold the earlier one').toBe(2);
  });

  it('an origin write is never on disk while an earlier snapshot write is lost', () => {
    const v = volume();
    v.store.createSnapshot({ name: 'A' });
    v.store.writeOrigin(v.origin, 3, fill(1)); // A now has its own copy of chunk 3
    v.store.commit();
    v.store.writeSnapshot(v.origin, 0, 9, fill(2)); // durable at the next commit
    v.store.writeOrigin(v.origin, 3, fill(4)); // needs no copy: A has one
    if (v.origin.bytes[3 * CHUNK] === 4) expect(readAfterKill(v.cow, v.origin, 0, 9)).toBe(2);
  });
});

describe('origin writes are durable when a commit returns (point 3)', () => {
  it('a power loss right after commit keeps the origin write', () => {
    const rail = new PowerRail({ crashAt: Number.MAX_SAFE_INTEGER, fate: 'none' });
    const cowMem = new MemoryDevice(CHUNK * 256, 'cow');
    SharedStore.format(cowMem, { chunkBytes: CHUNK }).close();
    const originMem = new MemoryDevice(CHUNK * 16, 'origin');
    const cow = new PowerLossDevice(cowMem, rail);
    const origin = new PowerLossDevice(originMem, rail);
    const store = SharedStore.open(cow, { write: true });
    store.createSnapshot({ name: 'A' });
    store.writeOrigin(origin, 2, fill(5));
    store.writeOrigin(origin, 2, fill(6), 0);
    store.commit();
    expect(() => rail.cut('test')).toThrow(/power loss/);
    expect(originMem.bytes[2 * CHUNK]).toBe(6);
    expect(readAfterKill(cowMem, originMem, 0, 2)).toBe(0);
  });

  it('and so does close', () => {
    const rail = new PowerRail({ crashAt: Number.MAX_SAFE_INTEGER, fate: 'none' });
    const originMem = new MemoryDevice(CHUNK * 16, 'origin');
    const origin = new PowerLossDevice(originMem, rail);
    const cow = new PowerLossDevice(new MemoryDevice(CHUNK * 256, 'cow'), rail);
    const store = SharedStore.format(cow, { chunkBytes: CHUNK });
    store.commit();
    store.writeOrigin(origin, 1, fill(8)); // no snapshot: nothing to commit on the COW
    store.close();
    expect(() => rail.cut('test')).toThrow(/power loss/);
    expect(originMem.bytes[1 * CHUNK]).toBe(8);
  });
});
