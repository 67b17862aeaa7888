/**
 * Issue #12 point 8: numbers read from disk are range-checked where they are narrowed. A leaf
 * whose base_chunk puts an origin at or above 2^32 made the merge's 32-bit batch truncate it and
 * scan the same leaf forever. Now the walker refuses such a leaf at open (s-leaf-key-range), and a
 * store opened tolerating the damage never hands it to the merge: its scan and dry run refuse,
 * naming the leaf. That rule is the merge's only guard (the batch has none of its own): deleting
 * it fails these tests (scripts/walker-mutations.py, docs/check.md).
 */
import { describe, expect, it } from 'vitest';
import { SnapscopeError } from '../../../src-core/errors.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { decodeHeader, encodeHeader } from '../../../src-core/shared/format/header.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { MergeBatch, scanBatch } from '../../../src-core/shared/merge/batch.ts';
import { planSharedMerge } from '../../../src-core/shared/merge/index.ts';

const CHUNK = 1024;

/** A store whose snapshot 0 has one exception, in a leaf whose base_chunk is then set to `base`. */
function withBase(base: bigint) {
  const cow = new MemoryDevice(CHUNK * 128, 'cow');
  const origin = new MemoryDevice(CHUNK * 16, 'origin');
  const store = SharedStore.format(cow, { chunkBytes: CHUNK });
  store.createSnapshot({ name: 'A' });
  store.writeSnapshot(origin, 0, 5, new Uint8Array(CHUNK).fill(3));
  const path = store.pathTo(5);
  store.close();
  const leaf = path[path.length - 1]!;
  new DataView(cow.bytes.buffer).setBigUint64(leaf * CHUNK + 8, base, true);
  return { cow, store: SharedStore.open(cow, { tolerateDamage: true }), origin, leaf };
}

describe('origins at or above 2^32 in a merge (point 8)', () => {
  it('the batch scan refuses the origin instead of truncating it', () => {
    const { store, leaf } = withBase(2n ** 32n);
    const batch = new MergeBatch(16);
    let err: unknown;
    try {
      scanBatch(store, 0, 0, batch);
    } catch (e) {
      err = e;
    }
    if (!err) expect(batch.origins[0], 'a 32-bit batch truncated the origin').toBe(2 ** 32 + 5);
    expect(err).toBeInstanceOf(SnapscopeError);
    expect((err as SnapscopeError).code).toBe('corrupt');
    expect((err as SnapscopeError).message).toMatch(new RegExp(`chunk ${leaf} is not a B-tree leaf the walk could vouch for`));
    // A strict open names the origin and the leaf.
    expect(() => SharedStore.open(store.cow)).toThrow(new RegExp(`origin ${2 ** 32 + 5} is outside .*2\\^32.*chunk ${leaf}`));
  });

  it('the dry run refuses, and opening to merge refuses, before writing anything', () => {
    const { cow, store, origin, leaf } = withBase(2n ** 40n);
    const before = cow.bytes.slice();
    expect(() => planSharedMerge(store, origin, 0)).toThrow(new RegExp(`chunk ${leaf}`));
    // Opening for write walks the tree (point 7) and refuses the leaf, pointing to repair.
    expect(() => SharedStore.open(cow, { write: true })).toThrow(new RegExp(`2\\^32.*chunk ${leaf}.*repair`));
    expect(Buffer.compare(before, cow.bytes)).toBe(0);
  });
});

describe('a shared store of 2^32 chunks or more (chunk numbers are 32-bit in memory)', () => {
  it('is refused at open, naming chunk_count, before its bitmap is read', () => {
    const head = new Uint8Array(512);
    const h = decodeHeader(withBase(0n).cow.bytes.subarray(0, 512), 'x');
    encodeHeader({ ...h, chunkSectors: 1, chunkCount: 2 ** 32 }, head);
    let largest = 0;
    const dev: BlockDevice = {
      name: 'huge',
      size: 2 ** 32 * 512,
      readOnly: true,
      read(offset, dst) {
        largest = Math.max(largest, dst.length);
        dst.fill(0);
        if (offset === 0) dst.set(head.subarray(0, Math.min(512, dst.length)));
      },
      write() {},
      flush() {},
      close() {},
    };
    expect(() => SharedStore.open(dev)).toThrow(/2\^32 - 1 are supported.*field chunk_count/);
    expect(largest).toBeLessThanOrEqual(512);
  });
});
