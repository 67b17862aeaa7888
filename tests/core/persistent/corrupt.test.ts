import { describe, expect, it } from 'vitest';
import { SnapscopeError } from '../../../src-core/errors.ts';
import { FaultDevice } from '../../../src-core/io/fault-device.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { PersistentStore } from '../../../src-core/persistent/index.ts';
import { Fixture } from './kernel-fixtures.ts';

/** Opens `bytes` for writing through a write-counting device; returns the error and the writes. */
function openBroken(bytes: Uint8Array): { error: SnapscopeError; writes: number } {
  const dev = new FaultDevice(new MemoryDevice(bytes, 'cow.img'));
  try {
    PersistentStore.open(dev, { write: true });
  } catch (e) {
    if (!(e instanceof SnapscopeError)) throw e;
    return { error: e, writes: dev.writes };
  }
  throw new Error('opened a broken COW');
}

const basic = (): Uint8Array => new Fixture('p-basic-c8').image('cow');
const le32 = (b: Uint8Array, at: number, v: number): void => new DataView(b.buffer).setUint32(at, v, true);

describe('corrupt persistent COWs: one clear error naming what and where, never a write', () => {
  it('bad magic', () => {
    const b = basic();
    b.set(new TextEncoder().encode('XXXX'), 0);
    const { error, writes } = openBroken(b);
    expect(error.code).toBe('not-a-store');
    expect(error.message).toMatch(/bad magic 0x58585858 at offset 0/);
    expect(error.where).toMatchObject({ chunk: 0, field: 'magic' });
    expect(writes).toBe(0);
  });

  it('an all-zero header is not a store yet', () => {
    const { error } = openBroken(new Uint8Array(1 << 20));
    expect(error.code).toBe('not-a-store');
    expect(error.message).toMatch(/all-zero header/);
  });

  it('chunk size not a power of two', () => {
    const b = basic();
    le32(b, 12, 12);
    const { error, writes } = openBroken(b);
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/chunk_size 12 sectors at offset 12 is not a power of two/);
    expect(error.where.field).toBe('chunk_size');
    expect(writes).toBe(0);
  });

  it('chunk size larger than the device', () => {
    const b = basic();
    le32(b, 12, 4096);
    const { error, writes } = openBroken(b);
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/chunk_size 4096 sectors .* leaves no room/);
    expect(writes).toBe(0);
  });

  it('unknown version', () => {
    const b = basic();
    le32(b, 8, 2);
    expect(openBroken(b).error.message).toMatch(/version 2 at offset 8/);
  });

  it('an area with garbage: entry past the end of the COW', () => {
    const b = basic();
    for (let i = 4096 + 5 * 16; i < 4096 + 6 * 16; i++) b[i] = 0xa5;
    const { error, writes } = openBroken(b);
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/old_chunk 0xa5a5a5a5a5a5a5a5 is at or above 2\^53: not a chunk number \(cow.img, chunk 1, entry 5, field old_chunk\) \[p-origin-invalid\]/);
    expect(error.where).toMatchObject({ chunk: 1, entry: 5, field: 'old_chunk' });
    expect(writes).toBe(0);
  });

  it('an area with garbage: new_chunk on a metadata area, a data chunk used twice, an origin chunk twice', () => {
    const onArea = basic();
    le32(onArea, 4096 + 8, 1);
    expect(openBroken(onArea).error.message).toMatch(/new_chunk 1 is a metadata area \(cow.img, chunk 1, entry 0, field new_chunk\) \[p-chunk-metadata\]/);
    const twice = basic();
    le32(twice, 4096 + 3 * 16 + 8, 2);
    expect(openBroken(twice).error.message).toMatch(/new_chunk 2 is already used by an earlier exception \(cow.img, chunk 1, entry 3, field new_chunk\) \[p-chunk-duplicate\]/);
    const twin = basic();
    const first = new DataView(twin.buffer).getUint32(4096, true);
    le32(twin, 4096 + 7 * 16, first);
    expect(openBroken(twin).error.message).toMatch(new RegExp(`old_chunk ${first} already has an exception in entry 0 of area 0 \\(cow.img, chunk 1, entry 7, field old_chunk\\) \\[p-origin-duplicate\\]`));
    // Origin chunks far above the table's size: found by the hash index instead of a bitmap of values.
    const far = basic();
    le32(far, 4096 + 2 * 16 + 4, 5);
    le32(far, 4096 + 9 * 16, new DataView(far.buffer).getUint32(4096 + 2 * 16, true));
    le32(far, 4096 + 9 * 16 + 4, 5);
    expect(openBroken(far).error.message).toMatch(/old_chunk \d+ already has an exception in entry 2 of area 0 \(cow.img, chunk 1, entry 9, field old_chunk\)/);
  });

  it('a truncated COW: entries pointing past its end', () => {
    const b = basic().slice(0, 16 * 4096);
    const { error, writes } = openBroken(b);
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/new_chunk 16 is past the end of the device \(16 chunks; truncated\?\) \(cow.img, chunk 1, entry 14, field new_chunk\) \[p-chunk-out-of-range\]/);
    expect(writes).toBe(0);
  });

  it('a truncated COW: a full area whose next area is missing', () => {
    const b = new Fixture('p-fullarea-c8').image('cow').slice(0, 258 * 4096);
    const { error } = openBroken(b);
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/area 0 is full, so area 1 should be at chunk 258, past the end of the device \(258 chunks; truncated\?\) \(cow.img, chunk 258\) \[p-area-past-device\]/);
  });

  it('too short for a header', () => {
    expect(openBroken(new Uint8Array(100)).error.code).toBe('not-a-store');
  });
});

describe('a damaged table opened tolerating the damage (info, snapshot list, read of a damaged COW)', () => {
  const open = (b: Uint8Array) => PersistentStore.open(new MemoryDevice(b, 'cow.img', true), { tolerateDamage: true });
  const entry = (b: Uint8Array, i: number) => ({ old: new DataView(b.buffer).getUint32(4096 + i * 16, true), at: 4096 + i * 16 });

  it('a bad new_chunk: read-only, damage stated, only that origin chunk unproven', () => {
    const b = basic();
    const e3 = entry(b, 3);
    le32(b, e3.at + 12, 0x10); // new_chunk's high half: past the device
    const s = open(b);
    expect(s.damaged).toBe(true);
    expect(s.readOnly).toBe(true);
    expect(s.info().damage).toMatchObject({ errors: 1, first: expect.stringContaining('[p-chunk-out-of-range]') });
    expect(s.snapshots()[0]).toMatchObject({ damaged: true, exceptions: s.exceptions - 1 });
    expect(() => s.lookup(0, e3.old)).toThrow(/origin chunk \d+ cannot be proven/);
    expect(s.lookup(0, entry(b, 4).old)).toBeGreaterThan(1);
    let visited = 0;
    s.forEachException(() => visited++);
    expect(visited).toBe(s.exceptions - 1);
  });

  it('an origin chunk twice: both entries unproven; an unreadable old_chunk: every lookup', () => {
    const twin = basic();
    le32(twin, entry(twin, 7).at, entry(twin, 0).old);
    const s = open(twin);
    expect(() => s.lookup(0, entry(twin, 0).old)).toThrow(/cannot be proven/);
    expect(s.lookup(0, entry(twin, 1).old)).toBeGreaterThan(1);
    const garbage = basic();
    le32(garbage, entry(garbage, 2).at + 4, 0xffffffff);
    expect(() => open(garbage).lookup(0, entry(garbage, 1).old)).toThrow(/no valid origin chunk/);
  });

  it('strict opens still refuse, and a header that locates no table refuses even tolerant', () => {
    const b = basic();
    le32(b, 4096 + 3 * 16 + 12, 0x10);
    expect(() => PersistentStore.open(new MemoryDevice(b, 'cow.img', true))).toThrow(/\[p-chunk-out-of-range\]/);
    const h = basic();
    le32(h, 12, 12);
    expect(() => open(h)).toThrow(/chunk_size 12 sectors at offset 12 is not a power of two/);
  });
});
