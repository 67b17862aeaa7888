/**
 * A persistent merge pauses and cancels only between its steps. A step was a whole batch: a
 * batch sized by time (the UI's) is a second or more of copies on a loaded machine, most of all
 * with runs of one chunk (a read and a write each): 2 s steps were measured at load 20. It is
 * now copied a piece a step.
 */
import { describe, expect, it } from 'vitest';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { ForwardingDevice } from '../../../src-core/io/forwarding-device.ts';
import { PersistentStore } from '../../../src-core/persistent/index.ts';
import { Fixture } from './kernel-fixtures.ts';
import { same } from './model.ts';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** An origin whose every write takes `ms` (a slow or busy disk). */
class SlowWrites extends ForwardingDevice {
  constructor(
    inner: BlockDevice,
    private readonly ms: number,
  ) {
    super(inner);
  }
  override write(offset: number, src: Uint8Array): void {
    Atomics.wait(sleeper, 0, 0, this.ms);
    super.write(offset, src);
  }
}

describe('persistent merge steps', () => {
  it('a batch of many runs is copied over several steps, none much over 50 ms', () => {
    const fx = new Fixture('p-multiarea-c8');
    const originMem = fx.device('origin');
    const store = PersistentStore.open(fx.device('cow'), { write: true });
    // One batch of all 705 chunks, 2 ms a write: a step of at least 1.4 s if it were one.
    const task = store.merge(new SlowWrites(originMem, 2), 0, { batchBytes: 1 << 30 });
    const steps: number[] = [];
    for (let finished = false; !finished; ) {
      const t0 = performance.now();
      finished = task.step();
      steps.push(performance.now() - t0);
    }
    expect(same(originMem.bytes, fx.image('snapshot-view'))).toBe(true);
    expect(steps.length).toBeGreaterThan(10);
    expect(Math.max(...steps)).toBeLessThan(250);
  });
});
