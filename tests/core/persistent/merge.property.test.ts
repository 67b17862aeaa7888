import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSnapscopeError } from '../../../src-core/errors.ts';
import { FaultDevice } from '../../../src-core/io/fault-device.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { createPersistentMerge, PersistentStore } from '../../../src-core/persistent/index.ts';
import { numberedOrigin, same, snapshotImage } from './model.ts';

const CHUNK = 512;
const ORIGIN_CHUNKS = 128;

/** A store with random exceptions (runs of consecutive chunks among them) and its snapshot image. */
function populated(chunks: number[], snapWrites: number[]): { origin: MemoryDevice; cow: MemoryDevice; snapshot: Uint8Array } {
  const origin = new MemoryDevice(numberedOrigin(ORIGIN_CHUNKS * CHUNK, CHUNK), 'origin');
  const cow = new MemoryDevice(256 * CHUNK, 'cow');
  const store = PersistentStore.format(cow, { chunkBytes: CHUNK });
  chunks.forEach((c, i) => store.writeOrigin(origin, c, new Uint8Array(CHUNK).fill(i + 1)));
  snapWrites.forEach((c, i) => store.writeSnapshot(origin, 0, c, new Uint8Array(100).fill(200 + (i % 50)), 7));
  store.commit();
  return { origin, cow, snapshot: snapshotImage(store, origin) };
}

const exceptions = fc.array(
  fc.tuple(fc.nat(ORIGIN_CHUNKS - 1), fc.integer({ min: 1, max: 6 })).map(([start, n]) => Array.from({ length: n }, (_, i) => (start + i) % ORIGIN_CHUNKS)),
  { maxLength: 40, size: 'max' },
).map((runs) => runs.flat());

describe('persistent merge (property)', () => {
  it('a power cut at any write, then a re-run, gives the snapshot on the origin and an empty store', () => {
    fc.assert(
      fc.property(
        exceptions,
        fc.array(fc.nat(ORIGIN_CHUNKS - 1), { maxLength: 10, size: 'max' }),
        fc.integer({ min: 1, max: 90 }),
        fc.nat(1),
        fc.boolean(),
        fc.integer({ min: 1, max: 8 }),
        (chunks, snapWrites, crashAt, torn, crashOrigin, batchChunks) => {
          const { origin, cow, snapshot } = populated(chunks, snapWrites);
          const plan = { crashAtWrite: crashAt, tornSectors: torn };
          const o = crashOrigin ? new FaultDevice(origin, plan) : origin;
          const c = crashOrigin ? cow : new FaultDevice(cow, plan);
          try {
            runToEnd(createPersistentMerge(PersistentStore.open(c, { write: true }), o, { batchBytes: batchChunks * CHUNK }));
          } catch (e) {
            if (!(isSnapscopeError(e) && e.code === 'crashed')) throw e;
          }
          // Whatever survived is a loadable store that still shows the snapshot.
          const after = PersistentStore.open(cow, { write: true });
          expect(same(snapshotImage(after, origin), snapshot)).toBe(true);
          runToEnd(createPersistentMerge(after, origin));
          expect(same(origin.bytes, snapshot)).toBe(true);
          expect(after.exceptions).toBe(0);
          expect(PersistentStore.open(cow).statusText()).toBe(`2/256 2`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('between steps the store is consistent: reopen shows the snapshot, status follows commit_merge', () => {
    fc.assert(
      fc.property(exceptions, fc.integer({ min: 1, max: 8 }), (chunks, batchChunks) => {
        const { origin, cow, snapshot } = populated(chunks, []);
        const store = PersistentStore.open(cow, { write: true });
        const task = createPersistentMerge(store, origin, { batchBytes: batchChunks * CHUNK });
        while (!task.step()) {
          const reopened = PersistentStore.open(cow);
          expect(same(snapshotImage(reopened, origin), snapshot)).toBe(true);
          expect(reopened.exceptions).toBe(store.exceptions);
          // persistent_commit_merge: next_free = area_location(current_area) + committed + 1.
          const { currentArea, committed } = store.state;
          expect(store.kernelStatus().allocatedSectors).toBe((1 + 33 * currentArea + committed + 1) * 1);
        }
        expect(task.progress().done).toBe(task.progress().total);
        expect(store.exceptions).toBe(0);
        expect(same(origin.bytes, snapshot)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
