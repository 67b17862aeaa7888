/** What a long-running task reports about itself. */
export interface Progress {
  /** What the task is doing now ("scan", "merge", "check tree", ...). */
  phase: string;
  done: number;
  total: number;
  /** What done/total count ("chunks", "exceptions", "blocks"). */
  unit: string;
  /** Data bytes moved so far, when the task moves data (merge). */
  bytes?: number;
  /** A short description of the current item ("run 120..135"). */
  current?: string;
  /** A task of several kinds of work: each one's figures (a merge's copies for others, then the origin). */
  stages?: { name: string; done: number; total: number; unit: string }[];
}

/** A Progress with the rates and ETA a job runner derives from it. */
export interface ProgressReport extends Progress {
  elapsedSeconds: number;
  /** Units per second since the job started. */
  rate: number;
  bytesPerSecond: number | null;
  etaSeconds: number | null;
}

/** Derives rates and ETA from successive Progress samples. */
export class RateMeter {
  private readonly start: number;
  constructor(private readonly clock: () => number) {
    this.start = clock();
  }
  report(p: Progress): ProgressReport {
    const elapsed = Math.max((this.clock() - this.start) / 1000, 1e-9);
    const rate = p.done / elapsed;
    const remaining = Math.max(p.total - p.done, 0);
    return {
      ...p,
      elapsedSeconds: elapsed,
      rate,
      bytesPerSecond: p.bytes === undefined ? null : p.bytes / elapsed,
      etaSeconds: rate > 0 ? remaining / rate : null,
    };
  }
}
