/** One test per entry of ../shared/seeds/KNOWN-ISSUES.md (docs/format-shared.md names them). */
import { describe, expect, it } from 'vitest';
import { isSnapscopeError } from '../../../src-core/errors.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { NodeView } from '../../../src-core/shared/format/node.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { readViewChunk } from '../../../src-core/view.ts';

const CHUNK = 512;
const BITS = CHUNK * 8;

function volume(chunks: number, originChunks = 64) {
  const cow = new MemoryDevice(CHUNK * chunks, 'cow');
  const origin = new MemoryDevice(CHUNK * originChunks, 'origin');
  return { cow, origin, store: SharedStore.format(cow, { chunkBytes: CHUNK }) };
}

function code(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    if (isSnapscopeError(e)) return e.code;
    throw e;
  }
  return 'ok';
}

/** Fills the COW with origin exceptions until it refuses; returns how many went in. */
function fill(store: SharedStore, originChunks: number): number {
  let n = 0;
  for (let c = 0; c < originChunks; c++) {
    if (code(() => store.prepareOriginWrite(c)) === 'no-space') break;
    n++;
    if (n % 500 === 0) store.commit();
  }
  store.commit();
  return n;
}

describe('KNOWN-ISSUES', () => {
  it('#1 marks every header and bitmap chunk used at format, with 8 bitmap chunks', () => {
    const { store } = volume(BITS * 7 + 10);
    expect(store.firstDataChunk).toBe(9);
    for (let c = 1; c < 9; c++) expect(store.chunkRole(c)).toBe('bitmap');
    store.createSnapshot();
    fill(store, 3000);
    expect(store.verify().problems).toEqual([]);
  });

  it('#2 #3 allocates from every bitmap chunk, the last one and every boundary bit included, until full', () => {
    const chunks = BITS * 3 + 100;
    const { cow, store } = volume(chunks);
    store.createSnapshot();
    fill(store, chunks);
    expect(store.usage().freeChunks).toBeLessThan(40); // only the insert reserve is left
    store.close();
    const reopened = SharedStore.open(cow);
    expect(reopened.verify()).toEqual({ problems: [], leaked: [] });
    for (const c of [BITS - 1, BITS, 2 * BITS - 1, 2 * BITS, 3 * BITS - 1, 3 * BITS]) expect(reopened.chunkRole(c)).not.toBe('free');
    const last = reopened.occupancy(3 * BITS, chunks, 1).counts;
    expect(last.free![0]).toBeLessThan(40); // the last bitmap chunk's range was handed out too
  });

  it('#4 finds chunks freed below the cursor once the device is full', () => {
    const { store } = volume(BITS * 2);
    const first = store.createSnapshot();
    const filled = fill(store, BITS * 2);
    store.deleteSnapshot(first.slot);
    store.commit();
    store.commit(); // the delete's frees become allocatable after the commit that records it
    store.createSnapshot();
    expect(fill(store, BITS * 2)).toBeGreaterThanOrEqual(filled);
    expect(store.verify().problems).toEqual([]);
  });

  it('#5 #9 a freed block is never written back, and close commits what is dirty', () => {
    const { cow, origin, store } = volume(4096, 400);
    const a = store.createSnapshot();
    store.createSnapshot();
    for (let c = 0; c < 400; c++) store.writeSnapshot(origin, a.slot, c, new Uint8Array([1]));
    store.commit();
    store.deleteSnapshot(a.slot); // merges leaves: their chunks are freed while dirty
    store.close();
    expect(SharedStore.open(cow).verify()).toEqual({ problems: [], leaked: [] });
  });

  it('#6 deleting a snapshot in slots 32..63 clears its bits and frees its chunks', () => {
    const { cow, origin, store } = volume(4096);
    store.createSnapshot({ slot: 40 });
    store.createSnapshot({ slot: 63 });
    for (let c = 0; c < 64; c++) store.writeSnapshot(origin, 40, c, new Uint8Array([c]));
    store.commit();
    const before = store.usage().dataChunks;
    store.deleteSnapshot(40);
    store.close();
    const reopened = SharedStore.open(cow);
    expect(reopened.usage().dataChunks).toBe(before - 64);
    expect(reopened.verify()).toEqual({ problems: [], leaked: [] });
  });

  it('#7 a snapshot write follows the snapshot rule: only that snapshot sees it', () => {
    const { origin, store } = volume(1024);
    const a = store.createSnapshot();
    const b = store.createSnapshot();
    store.writeOrigin(origin, 5, new Uint8Array(CHUNK).fill(1)); // a and b share the old data
    store.writeSnapshot(origin, a.slot, 5, new Uint8Array([9]));
    const buf = new Uint8Array(CHUNK);
    readViewChunk(store, origin, a.slot, 5, buf);
    expect(buf[0]).toBe(9);
    readViewChunk(store, origin, b.slot, 5, buf);
    expect(buf[0]).toBe(0);
    readViewChunk(store, origin, 'origin', 5, buf);
    expect(buf[0]).toBe(1);
    expect(store.verify().problems).toEqual([]);
  });

  it('#8 refuses slots outside 0..63 and re-creating a taken slot', () => {
    const { store } = volume(256);
    expect(code(() => store.createSnapshot({ slot: 64 }))).toBe('usage');
    expect(code(() => store.createSnapshot({ slot: -1 }))).toBe('usage');
    store.createSnapshot({ slot: 3 });
    expect(code(() => store.createSnapshot({ slot: 3 }))).toBe('usage');
    for (let k = 0; k < 63; k++) store.createSnapshot();
    expect(code(() => store.createSnapshot())).toBe('capacity');
  });

  it('#10 a node merge gives the merged entries the parent separator, not a stale entries[0].key', () => {
    const left = new NodeView(10, new Uint8Array(CHUNK));
    const right = new NodeView(11, new Uint8Array(CHUNK));
    left.insert(0, 0, 100);
    left.insert(1, 50, 101);
    right.insert(0, 0, 102);
    right.setKey(0, 7); // stale garbage where the seed would read a key
    right.insert(1, 90, 103);
    left.append(right, 70);
    expect(left.entries()).toEqual([
      { key: 0, chunk: 100 },
      { key: 50, chunk: 101 },
      { key: 70, chunk: 102 },
      { key: 90, chunk: 103 },
    ]);
    expect(left.search(69)).toBe(1);
    expect(left.search(70)).toBe(2);
  });

  it('#11 #12 #13 a full single-origin leaf refuses cleanly; a leaf of two such origins splits with no empty or unlinked half', () => {
    const { origin, store } = volume(8192);
    const slots = Array.from({ length: 40 }, () => store.createSnapshot().slot);
    for (const s of slots.slice(0, 29)) store.writeSnapshot(origin, s, 7, new Uint8Array([s]));
    const usage = store.usage();
    expect(code(() => store.writeSnapshot(origin, slots[29]!, 7, new Uint8Array([1])))).toBe('capacity');
    expect(store.usage()).toEqual(usage); // nothing allocated, nothing leaked
    for (const s of slots.slice(0, 29)) store.writeSnapshot(origin, s, 8, new Uint8Array([s]));
    for (const s of slots.slice(0, 29)) store.writeSnapshot(origin, s, 6, new Uint8Array([s]));
    store.commit();
    expect(store.verify()).toEqual({ problems: [], leaked: [] });
    const buf = new Uint8Array(CHUNK);
    for (const c of [6, 7, 8]) {
      readViewChunk(store, origin, slots[28]!, c, buf);
      expect(buf[0]).toBe(slots[28]);
    }
    // Origin rule across 40 active snapshots: those without a copy share one new exception (mask
    // computed from the active set, never 1 << -1).
    expect(code(() => store.writeOrigin(origin, 7, new Uint8Array(CHUNK).fill(5)))).toBe('capacity');
    store.writeOrigin(origin, 9, new Uint8Array(CHUNK).fill(5));
    expect(store.readLeaf(store.pathTo(9).at(-1)!).origins.find((o) => o.origin === 9)?.exceptions[0]?.share).toBe((1n << 40n) - 1n);
  });
});
