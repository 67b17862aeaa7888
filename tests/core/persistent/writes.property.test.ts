import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSnapscopeError } from '../../../src-core/errors.ts';
import { FaultDevice } from '../../../src-core/io/fault-device.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { PersistentStore } from '../../../src-core/persistent/index.ts';
import { numberedOrigin, same, snapshotImage } from './model.ts';

const CHUNK = 512; // 32 entries per area: rollovers come quickly
const ORIGIN_CHUNKS = 96;

const write = fc.record({
  target: fc.constantFrom('origin', 'snap'),
  chunk: fc.nat(ORIGIN_CHUNKS - 1),
  offset: fc.nat(CHUNK - 1),
  length: fc.integer({ min: 1, max: 2 * CHUNK }),
  fill: fc.integer({ min: 1, max: 255 }),
});

describe('persistent store writes (property)', () => {
  it('origin and snapshot views match a model after random writes and a reopen', () => {
    fc.assert(
      fc.property(fc.array(write, { maxLength: 120, size: 'max' }), fc.integer({ min: 8, max: 120 }), (writes, cowChunks) => {
        const origin = new MemoryDevice(numberedOrigin(ORIGIN_CHUNKS * CHUNK, CHUNK), 'origin');
        const cow = new MemoryDevice(cowChunks * CHUNK, 'cow');
        const model: { origin: Uint8Array; snapshot: Uint8Array } = { origin: origin.bytes.slice(), snapshot: origin.bytes.slice() };
        const store = PersistentStore.format(cow, { chunkBytes: CHUNK });
        for (const w of writes) {
          const at = w.chunk * CHUNK + w.offset;
          const data = new Uint8Array(Math.min(w.length, origin.size - at)).fill(w.fill);
          const cowBefore = cow.bytes.slice();
          const originBefore = origin.bytes.slice();
          try {
            if (w.target === 'origin') store.writeOrigin(origin, w.chunk, data, w.offset);
            else store.writeSnapshot(origin, 0, w.chunk, data, w.offset);
          } catch (e) {
            // A full COW refuses the write. A multi-chunk write may have done its first chunks.
            if (!(isSnapscopeError(e) && e.code === 'no-space')) throw e;
            if (Math.floor((at + data.length - 1) / CHUNK) === w.chunk) {
              expect(same(cow.bytes, cowBefore) && same(origin.bytes, originBefore)).toBe(true);
            }
            model.origin = origin.bytes.slice();
            model.snapshot = snapshotImage(store, origin);
            continue;
          }
          (w.target === 'origin' ? model.origin : model.snapshot).set(data, at);
        }
        store.commit();
        const reopened = PersistentStore.open(cow);
        expect(reopened.statusText()).toBe(store.statusText());
        expect(same(origin.bytes, model.origin)).toBe(true);
        expect(same(snapshotImage(reopened, origin), model.snapshot)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('a power cut during origin writes never changes the snapshot view', () => {
    fc.assert(
      fc.property(
        fc.array(write, { minLength: 1, maxLength: 60, size: 'max' }),
        fc.integer({ min: 1, max: 150 }),
        fc.nat(2),
        fc.boolean(),
        (writes, crashAt, torn, crashOrigin) => {
          const originMem = new MemoryDevice(numberedOrigin(ORIGIN_CHUNKS * CHUNK, CHUNK), 'origin');
          const cowMem = new MemoryDevice(128 * CHUNK, 'cow');
          PersistentStore.format(cowMem, { chunkBytes: CHUNK });
          const snapshot = originMem.bytes.slice();
          const plan = { crashAtWrite: crashAt, tornSectors: torn };
          const origin = crashOrigin ? new FaultDevice(originMem, plan) : originMem;
          const cow = crashOrigin ? cowMem : new FaultDevice(cowMem, plan);
          const store = PersistentStore.open(cow, { write: true });
          try {
            for (const w of writes) {
              const at = w.chunk * CHUNK + w.offset;
              store.writeOrigin(origin, w.chunk, new Uint8Array(Math.min(w.length, origin.size - at)).fill(w.fill), w.offset);
            }
          } catch (e) {
            if (!(isSnapscopeError(e) && e.code === 'crashed')) throw e;
          }
          expect(same(snapshotImage(PersistentStore.open(cowMem), originMem), snapshot)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
