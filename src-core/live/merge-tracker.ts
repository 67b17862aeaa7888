/**
 * A kernel merge (snapshot-merge target) followed from outside: the kernel frees exceptions as it
 * copies them back, so sectors_allocated falls to metadata_sectors, and the merge is finished
 * exactly when the two are equal (what lvconvert and the kernel itself test).
 */
import type { SnapshotUsage } from './dm-target.ts';
import { SmoothedRate } from './rate.ts';

export interface MergeEstimate {
  /** Share of the exceptions present at the first poll that are merged; never decreases. */
  percent: number;
  /** Smoothed merge speed; null until two polls. */
  chunksPerSecond: number | null;
  secondsLeft: number | null;
  finished: boolean;
}

export class MergeTracker {
  private readonly rate: SmoothedRate;
  private start: number | null = null;
  private percent = 0;

  constructor(
    private readonly chunkSectors: number,
    halfLifeMs = 5_000,
  ) {
    this.rate = new SmoothedRate(halfLifeMs);
  }

  add(at: number, usage: SnapshotUsage): MergeEstimate {
    this.start ??= usage.allocated;
    const todo = this.start - usage.metadata;
    const done = this.start - usage.allocated;
    const finished = usage.allocated === usage.metadata;
    // The kernel only frees during a merge; a snapshot written meanwhile (it cannot be) or a
    // re-read of an older status must not move the bar backwards.
    this.percent = Math.max(this.percent, finished || todo <= 0 ? 100 : Math.min(100, (100 * done) / todo));
    const freed = this.rate.add(at, -usage.allocated); // sectors freed per second
    const chunksPerSecond = freed === null ? null : Math.max(0, freed) / this.chunkSectors;
    const left = usage.allocated - usage.metadata;
    return {
      percent: this.percent,
      chunksPerSecond,
      secondsLeft: finished ? 0 : chunksPerSecond ? left / this.chunkSectors / chunksPerSecond : null,
      finished,
    };
  }
}
