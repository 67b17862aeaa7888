/**
 * How fast a live snapshot fills and when it will overflow — what dmeventd's autoextend watches,
 * shown as a rate and an ETA. Fed one `dmsetup status` usage per poll.
 */
import type { SnapshotUsage } from './dm-target.ts';
import { snapPercent } from './dm-target.ts';
import { SmoothedRate } from './rate.ts';

export interface FillEstimate {
  /** Snap% as lvs shows it. */
  percent: number;
  /** Smoothed COW growth; null until two polls. */
  chunksPerMinute: number | null;
  /** Seconds until allocated reaches total at the current rate; null when not filling. */
  secondsToOverflow: number | null;
  /** Chunks allocated since the previous poll (to highlight on a map). */
  newChunks: number;
  /** percent ≥ the warning threshold. */
  warn: boolean;
}

export class FillTracker {
  private readonly rate: SmoothedRate;
  private previous: SnapshotUsage | null = null;

  constructor(
    private readonly chunkSectors: number,
    private readonly warnPercent = 80,
    halfLifeMs = 60_000,
  ) {
    this.rate = new SmoothedRate(halfLifeMs);
  }

  add(at: number, usage: SnapshotUsage): FillEstimate {
    // A smaller allocation is a new COW (recreated, or merged away): the old rate says nothing.
    if (this.previous && usage.allocated < this.previous.allocated) this.rate.reset();
    const grown = this.previous && usage.allocated >= this.previous.allocated ? usage.allocated - this.previous.allocated : 0;
    this.previous = usage;
    const sectorsPerSecond = this.rate.add(at, usage.allocated);
    const percent = snapPercent(usage);
    return {
      percent,
      chunksPerMinute: sectorsPerSecond === null ? null : (sectorsPerSecond * 60) / this.chunkSectors,
      secondsToOverflow: sectorsPerSecond !== null && sectorsPerSecond > 0 ? (usage.total - usage.allocated) / sectorsPerSecond : null,
      newChunks: grown / this.chunkSectors,
      warn: percent >= this.warnPercent,
    };
  }
}
