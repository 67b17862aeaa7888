/**
 * Structural events are emitted from inside an operation, while the tree's reusable path and a
 * half-done insert are live. A listener that walked the tree or changed the store from there would
 * overwrite that state: such calls are refused, the operation still ends as if nobody listened, and
 * what a listener throws is rethrown once the operation it heard has ended.
 */
import { describe, expect, it } from 'vitest';
import type { StructuralEvent } from '../../../src-core/events.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { xorshift } from './xorshift.ts';

const CHUNK = 512;
const ORIGINS = 2000;
const WRITES = 1500;

/** Origin writes under two snapshots on 512-byte chunks (a deep tree, many splits), `onEvent` hearing every event. */
function run(onEvent: (store: SharedStore, e: StructuralEvent) => void): { store: SharedStore; slots: number[] } {
  const cow = new MemoryDevice(CHUNK * 8192, 'cow');
  const origin = new MemoryDevice(CHUNK * ORIGINS, 'origin');
  let store: SharedStore | null = null;
  store = SharedStore.format(cow, { chunkBytes: CHUNK, events: (e) => store && onEvent(store, e) });
  const slots = [store.createSnapshot({ name: 'a' }).slot];
  const next = xorshift(7);
  for (let i = 0; i < WRITES; i++) {
    if (i === WRITES / 2) slots.push(store.createSnapshot({ name: 'b' }).slot);
    store.prepareOriginWrite(next() % ORIGINS, origin);
    if (i % 100 === 99) store.commit();
  }
  store.commit();
  return { store, slots };
}

/** Every lookup of `store` equals `quiet`'s, and its tree is sound. */
function expectSameAs(store: SharedStore, quiet: { store: SharedStore; slots: number[] }): void {
  expect(store.verify().problems).toEqual([]);
  for (const slot of quiet.slots) for (let o = 0; o < ORIGINS; o++) expect(store.lookup(slot, o)).toBe(quiet.store.lookup(slot, o));
}

describe('a structural event listener that calls into the store', () => {
  const quiet = run(() => {});

  it('is refused a lookup mid-shadow, and the writes it heard end as if nobody listened', () => {
    const refused: string[] = [];
    const busy = run((store, e) => {
      if (e.type !== 'shadow' && e.type !== 'allocate') return;
      try {
        store.lookup(0, e.type === 'shadow' ? e.from % ORIGINS : e.chunk % ORIGINS);
      } catch (err) {
        refused.push((err as Error).message);
      }
    });
    expect(refused.length).toBeGreaterThan(100);
    expect(refused[0]).toMatch(/lookup was called from a structural event listener: a listener may not call into the store during an event/);
    expectSameAs(busy.store, quiet);
  });

  it('is refused a write mid-insert (the first write then runs alone)', () => {
    let refused = 0;
    const busy = run((store, e) => {
      if (e.type !== 'exception-add') return;
      try {
        store.prepareOriginWrite(e.origin + 1);
      } catch {
        refused++;
      }
    });
    expect(refused).toBeGreaterThan(100);
    expectSameAs(busy.store, quiet);
  });

  it('that throws: the operation still ends whole, then its call throws the listener error', () => {
    let armed = false;
    let store: SharedStore | null = null;
    const cow = new MemoryDevice(CHUNK * 8192, 'cow');
    const origin = new MemoryDevice(CHUNK * ORIGINS, 'origin');
    store = SharedStore.format(cow, {
      chunkBytes: CHUNK,
      events: (e) => {
        if (armed && e.type === 'allocate') store!.pathTo(0);
      },
    });
    const slot = store.createSnapshot().slot;
    for (let o = 0; o < 600; o++) store.prepareOriginWrite(o, origin);
    armed = true;
    expect(() => store.prepareOriginWrite(600, origin)).toThrow(/cow: a structural event listener threw: cow: pathTo was called from a structural event listener.*the operation it heard ran to the end/);
    armed = false;
    expect(store.lookup(slot, 600)).toBeGreaterThan(0);
    expect(store.prepareOriginWrite(601, origin)).toBe(true);
    store.commit();
    expect(store.verify().problems).toEqual([]);
  });

  it('that throws during a format: the store is formatted, then format throws the listener error', () => {
    const cow = new MemoryDevice(CHUNK * 64, 'cow');
    expect(() =>
      SharedStore.format(cow, {
        chunkBytes: CHUNK,
        events: () => {
          throw new Error('listener bug');
        },
      }),
    ).toThrow(/cow: a structural event listener threw: listener bug; the operation it heard ran to the end/);
    expect(SharedStore.open(cow).verify().problems).toEqual([]);
  });

  it('may read memory and single blocks (what the teaching view captures at every event)', () => {
    let reads = 0;
    const busy = run((store, e) => {
      if (e.type !== 'shadow') return;
      const role = store.chunkRole(e.to);
      if (role === 'node') store.readNode(e.to);
      else if (role === 'leaf') store.readLeaf(e.to);
      store.header();
      store.snapshots();
      store.usage();
      reads++;
    });
    expect(reads).toBeGreaterThan(100);
    expectSameAs(busy.store, quiet);
  });
});
