import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSnapscopeError } from '../../../src-core/errors.ts';
import { FaultDevice } from '../../../src-core/io/fault-device.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { PersistentStore } from '../../../src-core/persistent/index.ts';
import { FLUSH_MODES, numberedOrigin, same, snapshotImage, startFlushFor } from './model.ts';

const ORIGIN_CHUNKS = 128;
const COW_CHUNKS = 256;

/** A store with random exceptions (runs of consecutive chunks among them) and its snapshot image. */
function populated(chunks: number[], snapWrites: number[], chunkBytes = 512): { origin: MemoryDevice; cow: MemoryDevice; snapshot: Uint8Array } {
  const origin = new MemoryDevice(numberedOrigin(ORIGIN_CHUNKS * chunkBytes, chunkBytes), 'origin');
  const cow = new MemoryDevice(COW_CHUNKS * chunkBytes, 'cow');
  const store = PersistentStore.format(cow, { chunkBytes: chunkBytes });
  chunks.forEach((c, i) => store.writeOrigin(origin, c, new Uint8Array(chunkBytes).fill(i + 1)));
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
        fc.nat(7), // sectors of the crashing write that land: 4 KiB areas tear inside
        fc.boolean(),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(512, 4096),
        fc.constantFrom(...FLUSH_MODES),
        (chunks, snapWrites, crashAt, torn, crashOrigin, batchChunks, chunkBytes, flush) => {
          const { origin, cow, snapshot } = populated(chunks, snapWrites, chunkBytes);
          const plan = { crashAtWrite: crashAt, tornSectors: torn };
          const o = crashOrigin ? new FaultDevice(origin, plan) : origin;
          const c = crashOrigin ? cow : new FaultDevice(cow, plan);
          try {
            runToEnd(PersistentStore.open(c, { write: true }).merge(o, 0, { batchBytes: batchChunks * chunkBytes, ...startFlushFor(flush, o) }));
          } catch (e) {
            if (!(isSnapscopeError(e) && e.code === 'crashed')) throw e;
          }
          // Whatever survived is a loadable store that still shows the snapshot.
          const after = PersistentStore.open(cow, { write: true });
          expect(same(snapshotImage(after, origin), snapshot)).toBe(true);
          runToEnd(after.merge(origin, 0));
          expect(same(origin.bytes, snapshot)).toBe(true);
          expect(after.exceptions).toBe(0);
          const cs = chunkBytes / 512;
          expect(PersistentStore.open(cow).statusText()).toBe(`${2 * cs}/${COW_CHUNKS * cs} ${2 * cs}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('between steps the store is consistent: reopen shows the snapshot, status follows commit_merge', () => {
    fc.assert(
      fc.property(exceptions, fc.integer({ min: 1, max: 8 }), fc.constantFrom(...FLUSH_MODES), (chunks, batchChunks, flush) => {
        const chunkBytes = 512;
        const { origin, cow, snapshot } = populated(chunks, [], chunkBytes);
        const store = PersistentStore.open(cow, { write: true });
        const task = store.merge(origin, 0, { batchBytes: batchChunks * chunkBytes, ...startFlushFor(flush, origin) });
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
