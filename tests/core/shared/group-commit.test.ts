import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';

/** What a crash right now would leave: the store opened from a copy of the COW's bytes. */
function afterCrash(cow: MemoryDevice): SharedStore {
  return SharedStore.open(new MemoryDevice(cow.bytes.slice(), 'crashed'));
}

describe('group commit (requestCommit)', () => {
  it('commits once per group; a crash inside a group keeps the last group whole and none of the next', () => {
    const cow = new MemoryDevice(4096 * 4096, 'cow');
    const store = SharedStore.format(cow, { chunkBytes: 4096 });
    const slot = store.createSnapshot({ name: 'a' }).slot;
    store.commit();
    const durable: number[] = [];
    for (let c = 0; c < 10; c++) {
      store.prepareOriginWrite(c);
      store.requestCommit(4, () => durable.push(c));
      // Requests 0..3 and 4..7 are each covered by one commit, made at the 4th of the group.
      expect(durable).toEqual([...Array(c < 3 ? 0 : c < 7 ? 4 : 8).keys()]);
      const seen = afterCrash(cow);
      for (let o = 0; o <= c; o++) expect(seen.lookup(slot, o) >= 0).toBe(o < durable.length);
      seen.close();
    }
    store.commit();
    expect(durable).toEqual([...Array(10).keys()]);
    const seen = afterCrash(cow);
    for (let o = 0; o < 10; o++) expect(seen.lookup(slot, o)).toBeGreaterThan(0);
    store.close();
  });

  it('close covers the requests still waiting', () => {
    const cow = new MemoryDevice(4096 * 1024, 'cow');
    const store = SharedStore.format(cow, { chunkBytes: 4096 });
    const slot = store.createSnapshot({ name: 'a' }).slot;
    let told = 0;
    store.prepareOriginWrite(7);
    store.requestCommit(100, () => told++);
    expect(told).toBe(0);
    store.close();
    expect(told).toBe(1);
    const seen = SharedStore.open(cow);
    expect(seen.lookup(slot, 7)).toBeGreaterThan(0);
  });
});
