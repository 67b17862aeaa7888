import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';

describe('snapshot labels: names, UUIDs, addressing', () => {
  it('refuses names that would read as a slot, a UUID or a view, and duplicates', () => {
    const store = SharedStore.format(new MemoryDevice(512 * 256), { chunkBytes: 512 });
    store.createSnapshot({ name: 'nightly' });
    for (const name of ['12', 'origin', 'snap', '', '0f8fad5b-d9cb-469f-a165-70867728950e', 'a\nb', 'x'.repeat(200), 'nightly']) {
      expect(() => store.createSnapshot({ name }), JSON.stringify(name)).toThrow(expect.objectContaining({ code: 'usage' }));
    }
    expect(() => store.renameSnapshot(0, '007')).toThrow(/all digits/);
    expect(store.snapshots().map((s) => s.name)).toEqual(['nightly']);
  });

  it('addresses a snapshot by slot, name or UUID, and the label survives a commit and reopen', () => {
    const cow = new MemoryDevice(512 * 256);
    const store = SharedStore.format(cow, { chunkBytes: 512 });
    store.createSnapshot({ name: 'first' });
    const made = store.createSnapshot({ name: 'before-upgrade', slot: 5, created: 1_700_000_000 });
    store.commit();
    const again = SharedStore.open(cow, {});
    const uuid = made.uuid;
    expect([again.resolveSnapshot('5'), again.resolveSnapshot('before-upgrade'), again.resolveSnapshot(uuid.toUpperCase())]).toEqual([5, 5, 5]);
    expect(again.snapshots().find((s) => s.slot === 5)).toMatchObject({ name: 'before-upgrade', uuid, created: 1_700_000_000 });
    expect(() => again.resolveSnapshot('missing')).toThrow(expect.objectContaining({ code: 'not-found' }));
  });
});
