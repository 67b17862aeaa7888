/**
 * An insert reuses the path its own probe found (ExceptionTree.addProbed) instead of walking the
 * tree again. Between the probe and the insert an event listener may read blocks and chunk roles
 * (walks and lookups it is refused: listener-reentry.test.ts), filling a small cache past its
 * bound: the store must end up exactly as one nobody read during the writes (same lookups, a sound tree).
 */
import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { xorshift } from './xorshift.ts';

const CHUNK = 512;
const ORIGINS = 3000;

/** Origin and snapshot writes (commits every 50), with `onEvent` hearing every event. */
function run(onEvent: (store: SharedStore, e: { type: string; role?: string }) => void): { store: SharedStore; slots: number[] } {
  const cow = new MemoryDevice(CHUNK * 16384, 'cow');
  const origin = new MemoryDevice(CHUNK * ORIGINS, 'origin');
  let store: SharedStore | null = null;
  // The smallest cache (64 blocks) against a tree of a few hundred 512-byte blocks: reads evict.
  store = SharedStore.format(cow, { chunkBytes: CHUNK, cacheBytes: 0, events: (e) => store && onEvent(store, e) });
  const slots: number[] = [];
  const next = xorshift(99);
  const data = new Uint8Array(16).fill(7);
  for (let i = 0; i < 4000; i++) {
    if (i % 1000 === 0) slots.push(store.createSnapshot({ name: `s${i}` }).slot);
    const x = next();
    if (x % 13 === 0) store.writeSnapshot(origin, slots[x % slots.length]!, x % ORIGINS, data, 0);
    else store.prepareOriginWrite(x % ORIGINS, origin);
    if (i % 50 === 49) store.commit();
  }
  store.commit();
  return { store, slots };
}

describe('an insert reuses its probe while a listener reads blocks', () => {
  it('a listener reading other blocks between probe and insert changes nothing', () => {
    const quiet = run(() => {});
    const reads = xorshift(5);
    let readsMade = 0;
    const busy = run((store, e) => {
      // Between the probe and the insert, outside any other tree operation: the mask check, the
      // exception's allocation and its data copy.
      if (e.type !== 'mask-check' && e.type !== 'copy-data' && !(e.type === 'allocate' && e.role === 'exception')) return;
      for (let k = 0; k < 8; k++) {
        const chunk = store.firstDataChunk + (reads() % (store.chunkCount - store.firstDataChunk));
        const role = store.chunkRole(chunk);
        if (role === 'node') store.readNode(chunk);
        else if (role === 'leaf') store.readLeaf(chunk);
      }
      readsMade++;
    });
    expect(readsMade).toBeGreaterThan(1000);
    for (const slot of quiet.slots) {
      for (let o = 0; o < ORIGINS; o++) expect(busy.store.lookup(slot, o)).toBe(quiet.store.lookup(slot, o));
    }
    expect(busy.store.verify().problems).toEqual([]);
    expect(busy.store.levels).toBe(quiet.store.levels);
    quiet.store.close();
    busy.store.close();
  });
});
