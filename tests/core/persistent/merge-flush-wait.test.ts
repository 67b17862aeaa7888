/**
 * A persistent merge with a background origin flush clears a batch's entries only once its flush
 * is done. That wait was part of the next batch's step: a pause or cancel lagged behind a whole
 * fsync (885 ms on this disk). It is now a step of its own that waits a little at a time.
 */
import { describe, expect, it } from 'vitest';
import { PersistentStore } from '../../../src-core/persistent/index.ts';
import { counting, SlowFlush } from '../jobs/slow-flush.ts';
import { Fixture } from './kernel-fixtures.ts';
import { same } from './model.ts';

const FLUSH_MS = 400;

describe('persistent merge with a slow background flush', () => {
  it('no step waits for a whole flush, and no entry is cleared before its data is durable', () => {
    const fx = new Fixture('p-multiarea-c8');
    const originMem = fx.device('origin');
    const origin = counting(originMem);
    const flush = new SlowFlush(origin, FLUSH_MS);
    const store = PersistentStore.open(fx.device('cow'), { write: true });
    const total = store.exceptions;
    // 705 chunks of 4 KiB in four batches: each one's flush is still running when the next one is copied.
    const task = store.merge(origin, 0, { batchBytes: 180 * 4096, startFlush: flush.start });
    let longest = 0;
    for (let finished = false; !finished; ) {
      const t0 = performance.now();
      finished = task.step();
      longest = Math.max(longest, performance.now() - t0);
      expect((total - store.state.table.count) * 4096).toBeLessThanOrEqual(flush.durable);
    }
    expect(same(originMem.bytes, fx.image('snapshot-view'))).toBe(true);
    expect(longest).toBeLessThan(FLUSH_MS / 2);
  });
});
