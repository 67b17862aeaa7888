/**
 * Sizes batches of I/O by time rather than bytes: each batch should take about `targetMs`, at the
 * throughput the batches so far showed. A job pauses and cancels only between its steps, so short
 * batches keep Pause and Cancel prompt on a slow disk, and large ones keep a fast disk streaming.
 */
export class BatchClock {
  private bytesPerMs: number;
  private startedAt: number | null = null;
  private startBytes = 0;

  constructor(
    private readonly targetMs = 250,
    /** The first batch's guess: 64 MB/s. */
    initialBytesPerMs = 64_000,
    private readonly clock: () => number = () => Date.now(),
  ) {
    this.bytesPerMs = initialBytesPerMs;
  }

  /** Bytes the next batch should move, at least `min`, at most `max`. */
  next(min: number, max: number): number {
    return Math.min(max, Math.max(min, Math.round(this.bytesPerMs * this.targetMs)));
  }

  /**
   * A batch starts now; `bytes` is the task's byte count so far. The time since the previous
   * call and the bytes moved meanwhile update the throughput (halfway towards the new figure).
   */
  lap(bytes: number): void {
    const now = this.clock();
    if (this.startedAt !== null && bytes > this.startBytes) {
      const rate = (bytes - this.startBytes) / Math.max(1, now - this.startedAt);
      this.bytesPerMs = (this.bytesPerMs + rate) / 2;
    }
    this.startedAt = now;
    this.startBytes = bytes;
  }
}
