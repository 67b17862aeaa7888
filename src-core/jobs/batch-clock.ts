/**
 * Sizes batches of I/O by time rather than bytes: each batch should take about `targetMs` at the
 * throughput the last batch showed. A job pauses and cancels only between its steps, so short
 * batches keep Pause and Cancel prompt on a slow disk or a metadata-heavy store, and larger ones
 * keep a fast disk streaming. It starts small and at most doubles from one batch to the next
 * (slow start), so a first guess never makes a batch that runs for seconds.
 */
export class BatchClock {
  private next_: number;
  private startedAt: number | null = null;
  private startBytes = 0;

  constructor(
    private readonly targetMs = 250,
    /** The first batch, in bytes. */
    firstBytes = 1 << 20,
    private readonly clock: () => number = () => Date.now(),
  ) {
    this.next_ = firstBytes;
  }

  /** Bytes the next batch should move, at least `min`, at most `max`. */
  next(min: number, max: number): number {
    return Math.min(max, Math.max(min, Math.round(this.next_)));
  }

  /**
   * A batch starts now; `bytes` is the task's byte count so far. The time since the previous
   * call and the bytes moved meanwhile give the throughput, and the next batch its size.
   */
  lap(bytes: number): void {
    const now = this.clock();
    if (this.startedAt !== null && bytes > this.startBytes) this.took(bytes - this.startBytes, now - this.startedAt);
    this.startedAt = now;
    this.startBytes = bytes;
  }

  /** A batch of `bytes` took `ms` (timed by the caller): the next one should take about `targetMs`, and be at most twice as large. */
  took(bytes: number, ms: number): void {
    if (bytes > 0) this.next_ = Math.min((bytes / Math.max(1, ms)) * this.targetMs, 2 * bytes);
  }
}
