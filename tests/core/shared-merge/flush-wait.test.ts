/**
 * A shared merge with a background origin flush waits for a batch's flush before it clears the
 * batch (the record must never cover data that is not durable). That wait was part of the next
 * batch's last origin write, one step: a pause or cancel lagged behind a whole fsync (885 ms on
 * this disk). It is now a step of its own that waits a little at a time.
 */
import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { createSharedMerge } from '../../../src-core/shared/merge/index.ts';
import { counting, SlowFlush } from '../jobs/slow-flush.ts';

const CB = 4096;
const CHUNKS = 64;
const FLUSH_MS = 400;

describe('shared merge with a slow background flush', () => {
  it('no step waits for a whole flush, and the record never moves past data not yet durable', () => {
    const cowMem = new MemoryDevice(CB * (2 * CHUNKS + 256), 'cow');
    const originMem = new MemoryDevice(CB * CHUNKS, 'origin');
    const setup = SharedStore.format(cowMem, { chunkBytes: CB });
    setup.createSnapshot({ name: 'target' });
    const data = new Uint8Array(CB).fill(7);
    for (let c = 0; c < CHUNKS; c++) setup.writeOrigin(originMem, c, data);
    setup.commit();
    setup.close();
    const origin = counting(originMem);
    const flush = new SlowFlush(origin, FLUSH_MS);
    const store = SharedStore.open(cowMem, { write: true }) as SharedStore;
    // Four batches: each one's flush is still running when the next one's writes are done.
    const task = createSharedMerge(store, origin, 0, { batchBytes: 16 * CB, startFlush: flush.start });
    let longest = 0;
    for (let finished = false; !finished; ) {
      const t0 = performance.now();
      finished = task.step();
      longest = Math.max(longest, performance.now() - t0);
      const rec = store.mergeRecord();
      if (rec) expect(rec.done * CB).toBeLessThanOrEqual(flush.durable);
    }
    expect(store.mergeRecord()).toBeNull();
    expect(originMem.bytes.subarray(0, CB).every((b) => b === 0)).toBe(true); // the snapshot's view: zeros
    expect(longest).toBeLessThan(FLUSH_MS / 2);
  });
});
