import { describe, expect, it } from 'vitest';
import { isSnapscopeError, type SnapscopeError } from '../../../src-core/errors.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { HEADER_LAYOUT, LEAF_LAYOUT, NODE_LAYOUT, SharedStore } from '../../../src-core/shared/index.ts';
import { headerChecksum } from '../../../src-core/shared/format/header.ts';
import { LABEL_ENTRY_FIXED_BYTES, LABEL_HEADER_BYTES } from '../../../src-core/shared/format/label.ts';

const CHUNK = 512;

/** A store with two index levels, three snapshots and labels. */
function sample(): { bytes: Uint8Array; node: number; leaf: number; root: number } {
  const cow = new MemoryDevice(CHUNK * 4096, 'cow.img');
  const origin = new MemoryDevice(CHUNK * 800, 'origin');
  const store = SharedStore.format(cow, { chunkBytes: CHUNK });
  for (let s = 0; s < 3; s++) {
    store.createSnapshot({ name: `s${s}` });
    for (let c = s; c < 800; c += 2) store.prepareOriginWrite(c, origin);
    store.commit();
  }
  const path = store.pathTo(401);
  expect(path.length).toBe(3);
  store.close();
  return { bytes: cow.bytes, root: path[0]!, node: path[1]!, leaf: path[2]! };
}

function caught(fn: () => void): SnapscopeError {
  try {
    fn();
  } catch (e) {
    if (isSnapscopeError(e)) return e;
    throw e;
  }
  throw new Error('expected a SnapscopeError');
}

const u32 = (b: Uint8Array, at: number, v: number) => new DataView(b.buffer).setUint32(at, v, true);
const u16 = (b: Uint8Array, at: number, v: number) => new DataView(b.buffer).setUint16(at, v, true);
const u64 = (b: Uint8Array, at: number, v: bigint) => new DataView(b.buffer).setBigUint64(at, v, true);
const resum = (b: Uint8Array) => u32(b, HEADER_LAYOUT.checksum.offset, headerChecksum(b));

describe('corrupt input', () => {
  const header: [string, (b: Uint8Array) => void, string][] = [
    ['magic', (b) => u32(b, 0, 0x12345678), 'not-a-store'],
    ['version', (b) => u32(b, 8, 2), 'corrupt'],
    ['chunk_size', (b) => u32(b, 12, 3), 'corrupt'],
    ['root_tree_chunk', (b) => u64(b, 16, 1_000_000n), 'corrupt'],
    ['root_tree_chunk', (b) => u64(b, 16, 0n), 'corrupt'],
    ['tree_level', (b) => u32(b, 32, 0), 'corrupt'],
    ['tree_level', (b) => u32(b, 32, 99), 'corrupt'],
    ['label_chunk', (b) => u64(b, 48, 999_999n), 'corrupt'],
    ['chunk_count', (b) => u64(b, 80, 10_000n), 'corrupt'],
    ['merge_slot', (b) => u32(b, 64, 70), 'corrupt'],
  ];
  for (const [field, damage, code] of header) {
    it(`names header field ${field}`, () => {
      const { bytes } = sample();
      damage(bytes);
      resum(bytes);
      const e = caught(() => SharedStore.open(new MemoryDevice(bytes, 'cow.img')));
      expect(e.code).toBe(code);
      expect(e.where).toMatchObject({ chunk: 0, field });
      expect(e.message).toContain(`field ${field}`);
    });
  }

  it('names the checksum when a field changes behind its back', () => {
    const { bytes } = sample();
    u64(bytes, 24, 0xffn);
    const e = caught(() => SharedStore.open(new MemoryDevice(bytes, 'cow.img')));
    expect(e.where).toMatchObject({ chunk: 0, field: 'checksum' });
  });

  it('opens a store marked invalid read-only and says so', () => {
    const { bytes } = sample();
    u32(bytes, 4, 0);
    resum(bytes);
    const store = SharedStore.open(new MemoryDevice(bytes, 'cow.img'), { write: true });
    expect(store.readOnly).toBe(true);
    expect(store.info().notes.join()).toMatch(/invalid/);
    expect(caught(() => store.createSnapshot()).code).toBe('read-only');
  });

  it('an ordinary read-only open is no note in info (readOnly says it)', () => {
    const store = SharedStore.open(new MemoryDevice(sample().bytes, 'cow.img'));
    expect(store.readOnly).toBe(true);
    expect(store.info()).toMatchObject({ readOnly: true, notes: [] });
  });

  it('reports a truncated device', () => {
    const { bytes } = sample();
    const e = caught(() => SharedStore.open(new MemoryDevice(bytes.slice(0, CHUNK * 100), 'cow.img')));
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(/truncated/);
    expect(caught(() => SharedStore.open(new MemoryDevice(bytes.slice(0, 100), 'cow.img'))).code).toBe('not-a-store');
  });

  const node: [string, (b: Uint8Array, at: number) => void][] = [
    ['count', (b, at) => u32(b, at + NODE_LAYOUT.count.offset, 0)],
    ['count', (b, at) => u32(b, at + NODE_LAYOUT.count.offset, 1000)],
    ['entry.chunk', (b, at) => u64(b, at + NODE_LAYOUT.entries.offset + 16 + NODE_LAYOUT['entry.chunk'].offset, 5_000_000n)],
    ['entry.key', (b, at) => u64(b, at + NODE_LAYOUT.entries.offset + 16 + NODE_LAYOUT['entry.key'].offset, 0n)],
  ];
  for (const [field, damage] of node) {
    it(`names node field ${field}, its chunk and path`, () => {
      const s = sample();
      damage(s.bytes, s.node * CHUNK);
      const e = caught(() => SharedStore.open(new MemoryDevice(s.bytes, 'cow.img')));
      expect(e.code).toBe('corrupt');
      expect(e.where).toMatchObject({ chunk: s.node, field, path: [s.root, s.node] });
    });
  }

  const firstException = (b: Uint8Array, at: number) => new DataView(b.buffer).getUint32(at + LEAF_LAYOUT.map.offset, true);
  const leaf: [string, (b: Uint8Array, at: number) => void][] = [
    ['magic', (b, at) => u16(b, at, 0xbeef)],
    ['version', (b, at) => u16(b, at + 2, 7)],
    ['count', (b, at) => u32(b, at + 4, 500)],
    // base_chunk + rchunk is each origin: a base past every origin puts them out of range.
    ['map.rchunk', (b, at) => u64(b, at + 8, 1n << 60n)],
    ['using_mask', (b, at) => u64(b, at + 16, 0x100n)],
    ['map.offset', (b, at) => u32(b, at + 24, 7)],
    ['map.rchunk', (b, at) => u32(b, at + 24 + 8 + 4, 0)],
    ['exception.share', (b, at) => u64(b, at + firstException(b, at), 0n)],
    ['exception.share', (b, at) => u64(b, at + firstException(b, at), 1n << 40n)],
    ['exception.chunk', (b, at) => u64(b, at + firstException(b, at) + 8, 1n)],
  ];
  for (const [field, damage] of leaf) {
    it(`names leaf field ${field}, its chunk and path`, () => {
      const s = sample();
      damage(s.bytes, s.leaf * CHUNK);
      // open walks every leaf (strict): what it accepts is what check finds no error in.
      const e = caught(() => SharedStore.open(new MemoryDevice(s.bytes, 'cow.img')));
      expect(e.code).toBe('corrupt');
      expect(e.where).toMatchObject({ chunk: s.leaf, field, path: [s.root, s.node, s.leaf] });
      expect(e.message).toContain(`chunk ${s.leaf}`);
    });
  }

  it('names the label chunk, entry and field when a name is not UTF-8', () => {
    const { bytes } = sample();
    const labelChunk = Number(new DataView(bytes.buffer).getBigUint64(HEADER_LAYOUT.label_chunk.offset, true));
    bytes[labelChunk * CHUNK + LABEL_HEADER_BYTES + LABEL_ENTRY_FIXED_BYTES] = 0xf7; // the first name's first byte
    const e = caught(() => SharedStore.open(new MemoryDevice(bytes, 'cow.img')));
    expect(e.code).toBe('corrupt');
    expect(e.where).toMatchObject({ chunk: labelChunk, entry: 0, field: 'entry.name' });
    expect(e.message).toBe(`label block: the name of slot 0 is not UTF-8 (cow.img, chunk ${labelChunk}, entry 0, field entry.name) [s-label-corrupt]`);
  });

  it('refuses a tree chunk the bitmap marks free', () => {
    const s = sample();
    const bit = s.node;
    s.bytes[CHUNK + (bit >>> 3)]! &= ~(1 << (bit & 7));
    const e = caught(() => SharedStore.open(new MemoryDevice(s.bytes, 'cow.img')));
    expect(e.where).toMatchObject({ chunk: s.node, field: 'bitmap' });
  });
});
