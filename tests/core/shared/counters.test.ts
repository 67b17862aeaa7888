import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { slotsOfMask } from '../../../src-core/shared/mask.ts';
import { Model } from './model.ts';
import { applyOp, opArb, type Volume } from './ops.ts';

const CHUNK = 512;
const ORIGIN_CHUNKS = 400;

/** The counts info must report, by walking every exception (what info used to do on each call). */
function walkCounts(store: SharedStore): { exceptions: number; perSlot: Map<number, { exceptions: number; unique: number }> } {
  const perSlot = new Map<number, { exceptions: number; unique: number }>();
  let exceptions = 0;
  store.forEachException((_origin, _chunk, share) => {
    exceptions++;
    const slots = slotsOfMask(share);
    for (const slot of slots) {
      const c = perSlot.get(slot) ?? { exceptions: 0, unique: 0 };
      c.exceptions++;
      if (slots.length === 1) c.unique++;
      perSlot.set(slot, c);
    }
  });
  return { exceptions, perSlot };
}

function expectInfoMatchesWalk(store: SharedStore): void {
  const want = walkCounts(store);
  const info = store.info();
  expect(info.exceptions).toBe(want.exceptions);
  for (const snap of info.snapshots) {
    const c = want.perSlot.get(snap.slot) ?? { exceptions: 0, unique: 0 };
    expect({ slot: snap.slot, exceptions: snap.exceptions, unique: snap.unique, shared: snap.shared }).toEqual({
      slot: snap.slot,
      exceptions: c.exceptions,
      unique: c.unique,
      shared: c.exceptions - c.unique,
    });
  }
}

describe('exception counts kept by the engine', () => {
  it('info after every origin write, snapshot write, delete, commit and reopen equals a walk of every exception', () => {
    const ops = opArb(CHUNK, ORIGIN_CHUNKS, 60);
    fc.assert(
      fc.property(fc.array(ops, { minLength: 5, maxLength: 30 }), fc.boolean(), (script, early) => {
        const cow = new MemoryDevice(CHUNK * 8192, 'cow');
        const origin = new MemoryDevice(CHUNK * ORIGIN_CHUNKS, 'origin');
        const v: Volume = {
          store: SharedStore.format(cow, { chunkBytes: CHUNK, cacheBytes: 64 * CHUNK }),
          cow,
          origin,
          model: new Model(CHUNK, ORIGIN_CHUNKS),
          serial: 0,
          reopen: () => SharedStore.open(cow, { write: true, cacheBytes: 64 * CHUNK }),
        };
        // Counting starts at the first info: before any change, or part-way through the script.
        if (early) v.store.info();
        for (const op of script) {
          applyOp(v, op);
          if (early) expectInfoMatchesWalk(v.store);
        }
        expectInfoMatchesWalk(v.store);
      }),
      { numRuns: 40, seed: 20261207 },
    );
  });

  it('merge primitives (addExceptions, clearSlot) keep the counts', () => {
    const cow = new MemoryDevice(CHUNK * 8192, 'cow');
    const origin = new MemoryDevice(CHUNK * ORIGIN_CHUNKS, 'origin');
    const store = SharedStore.format(cow, { chunkBytes: CHUNK, cacheBytes: 64 * CHUNK });
    for (let k = 0; k < 5; k++) store.createSnapshot({ name: `s${k}` });
    store.info();
    for (let c = 0; c < 200; c += 3) store.writeOrigin(origin, c, new Uint8Array(CHUNK).fill(7), 0);
    for (let c = 0; c < 200; c += 5) store.writeSnapshot(origin, 2, c, new Uint8Array(8).fill(9), 0);
    expectInfoMatchesWalk(store);
    store.clearSlot(2, 50, 150);
    expectInfoMatchesWalk(store);
    store.addExceptions(
      [201, 205, 230].map((o) => ({ origin: o, share: 0b10110n })),
      () => {},
    );
    expectInfoMatchesWalk(store);
    store.deleteSnapshot(1);
    store.commit();
    expectInfoMatchesWalk(store);
  });
});
