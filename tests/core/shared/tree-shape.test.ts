import { describe, expect, it } from 'vitest';
import type { StructuralEvent } from '../../../src-core/events.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { expectReadsAgree, Model } from './model.ts';

const CHUNK = 512;

describe('B-tree shape', () => {
  it('grows to three index levels and shrinks back to one through node merges and level drops', () => {
    const ORIGIN = 1500;
    const cow = new MemoryDevice(CHUNK * 32768, 'cow');
    const origin = new MemoryDevice(CHUNK * ORIGIN, 'origin');
    const seen = new Map<StructuralEvent['type'], number>();
    const store = SharedStore.format(cow, { chunkBytes: CHUNK, cacheBytes: 256 * CHUNK, events: (e) => seen.set(e.type, (seen.get(e.type) ?? 0) + 1) });
    const model = new Model(CHUNK, ORIGIN);
    const slots = Array.from({ length: 8 }, (_, k) => store.createSnapshot({ name: `s${k}` }).slot);
    for (const s of slots) model.snaps.set(s, new Map());
    // Every snapshot writes its own copy of every chunk: 8 exceptions per origin chunk, ~3 per leaf.
    for (let c = 0; c < ORIGIN; c++) {
      for (const s of slots) {
        store.writeSnapshot(origin, s, c, new Uint8Array([s + 1, c & 255]), 0);
        model.write(s, c, s + 1, 0, 1);
        model.write(s, c, c & 255, 1, 1);
      }
      if (c % 100 === 99) store.commit();
    }
    store.commit();
    expect(store.levels).toBe(3);
    expect(store.verify().problems).toEqual([]);
    expect(expectReadsAgree(store, origin, model.snaps, model)).toBeNull();
    for (const s of slots) {
      store.deleteSnapshot(s);
      model.snaps.delete(s);
      store.commit();
      expect(store.verify()).toEqual({ problems: [], leaked: [] });
      expect(expectReadsAgree(store, origin, model.snaps, model)).toBeNull();
    }
    expect(store.levels).toBe(1);
    expect(seen.get('node-merge')).toBeGreaterThan(0);
    expect(seen.get('level-drop')).toBeGreaterThanOrEqual(2);
    expect(store.usage().dataChunks).toBe(0);
    store.close();
    const reopened = SharedStore.open(cow);
    expect(expectReadsAgree(reopened, origin, model.snaps, model)).toBeNull();
    expect(reopened.verify()).toEqual({ problems: [], leaked: [] });
  });
});
