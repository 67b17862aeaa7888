import type { RandomWritesResult } from '../../src-core/api/dto.ts';
import type { View } from '../../src-core/view.ts';
import type { BlockDevice } from '../../src-core/io/block-device.ts';
import type { Task } from '../../src-core/jobs/job.ts';
import type { Progress } from '../../src-core/jobs/progress.ts';
import type { ExceptionStore } from '../../src-core/store.ts';

export interface RandomWritesPlan {
  view: View;
  count: number;
  seed: number;
  commitEvery: number;
}

/**
 * `count` whole-chunk writes to random origin chunks of a view, each filled with a byte derived
 * from the seed (the same seed gives the same writes). A step is one commit's worth, so the store
 * is committed whenever the job pauses or is cancelled.
 */
export class RandomWrites implements Task<RandomWritesResult> {
  private done = 0;
  private rng: number;
  private readonly chunks: number;
  private readonly data: Uint8Array;
  private readonly before: number;

  constructor(
    private readonly store: ExceptionStore,
    private readonly origin: BlockDevice,
    private readonly plan: RandomWritesPlan,
  ) {
    this.rng = plan.seed >>> 0 || 1;
    this.chunks = Math.floor(origin.size / store.chunkBytes);
    this.data = new Uint8Array(store.chunkBytes);
    this.before = store.info().exceptions;
  }

  step(): boolean {
    const end = Math.min(this.plan.count, this.done + this.plan.commitEvery);
    for (; this.done < end; this.done++) {
      const chunk = this.next() % this.chunks;
      this.data.fill(this.next() & 0xff);
      if (this.plan.view === 'origin') this.store.writeOrigin(this.origin, chunk, this.data);
      else this.store.writeSnapshot(this.origin, this.plan.view, chunk, this.data);
    }
    this.store.commit();
    return this.done >= this.plan.count;
  }

  progress(): Progress {
    return { phase: 'write', done: this.done, total: this.plan.count, unit: 'writes', bytes: this.done * this.store.chunkBytes };
  }

  result(): RandomWritesResult {
    return { writes: this.done, exceptionsBefore: this.before, exceptionsAfter: this.store.info().exceptions };
  }

  /** xorshift32: deterministic and cheap. */
  private next(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng;
  }
}
