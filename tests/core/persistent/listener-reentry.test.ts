/**
 * A persistent store emits `pe-add` between pushing an entry and writing its area, and a merge
 * emits between copying a batch and clearing its entries: the change is half-made in memory then.
 * A listener that wrote the store from there, or threw through it, would leave memory and disk
 * apart. Such calls are refused, the operation ends as if nobody listened, and what a listener
 * throws is rethrown once the operation it heard has ended. Every check reopens the store
 * (the strict walk) and reads the snapshot against what it must hold.
 */
import { describe, expect, it } from 'vitest';
import type { StructuralEvent } from '../../../src-core/events.ts';
import { ForwardingDevice } from '../../../src-core/io/forwarding-device.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { PersistentStore } from '../../../src-core/persistent/index.ts';
import { numberedOrigin, snapshotImage } from './model.ts';

const CHUNK = 512; // 32 entries per area: a few dozen writes cross areas
const ORIGINS = 100;

function devices(): { cow: MemoryDevice; origin: MemoryDevice; before: Uint8Array } {
  const before = numberedOrigin(CHUNK * ORIGINS, CHUNK);
  return { cow: new MemoryDevice(CHUNK * 256, 'cow'), origin: new MemoryDevice(before.slice(), 'origin'), before };
}

/** A store on `cow` hearing every event through `onEvent`. */
function format(cow: MemoryDevice, onEvent: (store: PersistentStore, e: StructuralEvent) => void): PersistentStore {
  let store: PersistentStore | null = null;
  store = PersistentStore.format(cow, { chunkBytes: CHUNK }, { events: (e) => store && onEvent(store, e) });
  return store;
}

const fill = (byte: number): Uint8Array => new Uint8Array(CHUNK).fill(byte);

/** The store on `cow` opens strictly and its snapshot reads `snapshot`. */
function expectSnapshot(cow: MemoryDevice, origin: MemoryDevice, snapshot: Uint8Array): void {
  const reopened = PersistentStore.open(cow);
  expect(Buffer.from(snapshotImage(reopened, origin)).equals(Buffer.from(snapshot))).toBe(true);
}

describe('a structural event listener that calls into the persistent store', () => {
  it('is refused a write mid-exception (the write it heard then runs alone), and may read memory', () => {
    const { cow, origin, before } = devices();
    const refused: string[] = [];
    let reads = 0;
    const store = format(cow, (s, e) => {
      if (e.type !== 'pe-add' || e.origin >= ORIGINS / 2) return;
      expect(s.lookup(0, e.origin)).toBe(e.chunk);
      expect(s.info().exceptions).toBe(s.exceptions);
      reads++;
      try {
        s.writeOrigin(origin, e.origin + ORIGINS / 2, fill(0xee));
      } catch (err) {
        refused.push((err as Error).message);
      }
    });
    for (let c = 0; c < ORIGINS / 2; c++) store.writeOrigin(origin, c, fill(0xaa));
    store.close();
    expect(reads).toBe(ORIGINS / 2);
    expect(refused).toHaveLength(ORIGINS / 2);
    expect(refused[0]).toMatch(/^cow: writeOrigin was called from a structural event listener: a listener may not call into the store during an event/);
    expect(store.exceptions).toBe(ORIGINS / 2);
    expectSnapshot(cow, origin, before);
  });

  it('is refused a snapshot write, a commit, a merge and an area write', () => {
    const { cow, origin } = devices();
    const calls: [string, (s: PersistentStore) => unknown][] = [
      ['writeSnapshot', (s) => s.writeSnapshot(origin, 0, 90, fill(1))],
      ['commit', (s) => s.commit()],
      ['merge', (s) => s.merge(origin, 0)],
      ['writeAreaBytes', (s) => s.writeArea(0)],
    ];
    const refused: string[] = [];
    const store = format(cow, (s, e) => {
      if (e.type !== 'pe-add') return;
      for (const [, call] of calls) {
        try {
          call(s);
        } catch (err) {
          refused.push((err as Error).message);
        }
      }
    });
    store.writeOrigin(origin, 3, fill(2));
    expect(refused.map((m) => m.split(' was called')[0])).toEqual(calls.map(([what]) => `cow: ${what}`));
    expect(store.lookup(0, 90)).toBe(-1);
  });

  it('that throws: the write ends whole, then throws the listener error; a retry does not lose the copy', () => {
    const { cow, origin, before } = devices();
    let armed = false;
    const store = format(cow, (_s, e) => {
      if (armed && e.type === 'pe-add') throw new Error('listener bug');
    });
    for (let c = 0; c < 5; c++) store.writeOrigin(origin, c, fill(0xaa));
    armed = true;
    expect(() => store.writeOrigin(origin, 5, fill(0xbb))).toThrow(/^cow: a structural event listener threw: listener bug; the operation it heard ran to the end/);
    armed = false;
    store.writeOrigin(origin, 5, fill(0xcc)); // what a caller does after an error: try again
    store.close();
    expect(store.exceptions).toBe(6);
    expectSnapshot(cow, origin, before);
  });

  it('is refused a write mid-merge, and the merge ends as if nobody listened', () => {
    const { cow, origin, before } = devices();
    const store = format(cow, () => {});
    for (let c = 0; c < 80; c += 2) store.writeOrigin(origin, c, fill(0xaa)); // one run per chunk, 8 a batch
    const refused: string[] = [];
    const task = store.merge(origin, 0, {
      batchBytes: 8 * CHUNK,
      events: (e) => {
        if (e.type !== 'merge-copy-to-origin') return;
        try {
          store.writeOrigin(origin, e.origin + 1, fill(0xee));
        } catch (err) {
          refused.push((err as Error).message);
        }
      },
    });
    while (!task.step());
    store.close();
    expect(refused).toHaveLength(40);
    expect(refused[0]).toMatch(/^cow: writeOrigin was called from a structural event listener/);
    expect(store.exceptions).toBe(0);
    expect(Buffer.from(origin.bytes).equals(Buffer.from(before))).toBe(true);
    expectSnapshot(cow, origin, before);
  });

  it('that throws mid-merge: the batch ends whole, then its step throws; later writes are kept', () => {
    const { cow, origin, before } = devices();
    const store = format(cow, () => {});
    for (let c = 0; c < 40; c++) store.writeOrigin(origin, c, fill(0xaa));
    const task = store.merge(origin, 0, {
      batchBytes: 8 * CHUNK,
      events: (e) => {
        if (e.type === 'merge-clear') throw new Error('listener bug');
      },
    });
    // The batch's copies take a step or more, its clear a step of its own: that step throws.
    expect(() => {
      while (!task.step());
    }).toThrow(/^cow: a structural event listener threw: listener bug; the operation it heard ran to the end/);
    // The batch merged (its origin chunks read as before again); writes after it fill the rest of the area and more.
    const left = store.exceptions;
    expect(left).toBeLessThan(40);
    for (let c = 50; c < ORIGINS; c++) store.writeOrigin(origin, c, fill(0xdd));
    store.close();
    expect(store.exceptions).toBe(left + ORIGINS - 50);
    expectSnapshot(cow, origin, before);
  });

  it('that throws while the write it heard fails on its own: the write reports its error, and the next call not the listener\'s', () => {
    const { cow, origin } = devices();
    let throwOnce = true;
    const store = format(cow, (_s, e) => {
      if (e.type !== 'pe-add' || !throwOnce) return;
      throwOnce = false;
      throw new Error('listener broke');
    });
    const failing = new (class extends ForwardingDevice {
      override write(): void {
        throw new Error('origin write failed');
      }
    })(origin);
    expect(() => store.writeOrigin(failing, 0, fill(0xaa))).toThrow('origin write failed');
    expect(() => store.writeOrigin(origin, 1, fill(0xbb))).not.toThrow();
    expect(store.exceptions).toBe(2);
  });
});
