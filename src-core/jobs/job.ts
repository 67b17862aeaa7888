import { SnapscopeError } from '../errors.ts';
import { RateMeter, type Progress, type ProgressReport } from './progress.ts';

/**
 * Work that advances in slices. Between two slices the task's on-disk state is consistent (a
 * merge has committed its batch, a check has finished a block), which is what makes pause and
 * cancel safe: the Job only ever stops between slices.
 */
export interface Task<R> {
  /** Does one slice of work. Returns true when the task has finished. */
  step(): boolean;
  progress(): Progress;
  /** The result, after step() returned true. */
  result(): R;
  /** Called once when the job is cancelled between slices (release locks, record state). */
  cancelled?(): void;
}

export type JobState = 'running' | 'paused' | 'cancelled' | 'done' | 'failed';

export interface JobOptions {
  clock?: () => number;
  onProgress?: (report: ProgressReport) => void;
  /** Minimum milliseconds between progress reports (the last one is always sent). Default 100. */
  reportEveryMs?: number;
  /** How long to run slices before yielding to the host event loop. Default 20 ms. */
  sliceMs?: number;
  /**
   * Read before each step: a pause asked for by another thread while this one was busy in a step
   * (a request sent as a message would only arrive at the next yield, after the next step began).
   */
  pauseRequested?: () => boolean;
}

let nextJobId = 1;

/** Runs a Task with progress, pause, resume and cancel; shared by the CLI, main process and UI. */
export class Job<R> {
  readonly id = `job-${nextJobId++}`;
  private stateValue: JobState = 'running';
  private wake: (() => void) | null = null;
  private readonly clock: () => number;
  private readonly meter: RateMeter;

  constructor(
    private readonly task: Task<R>,
    private readonly options: JobOptions = {},
  ) {
    this.clock = options.clock ?? (() => Date.now());
    this.meter = new RateMeter(this.clock);
  }

  get state(): JobState {
    return this.stateValue;
  }

  progress(): ProgressReport {
    return this.meter.report(this.task.progress());
  }

  pause(): void {
    if (this.stateValue === 'running') this.stateValue = 'paused';
  }

  resume(): void {
    if (this.stateValue !== 'paused') return;
    this.stateValue = 'running';
    this.wake?.();
  }

  cancel(): void {
    if (this.stateValue !== 'running' && this.stateValue !== 'paused') return;
    this.stateValue = 'cancelled';
    this.wake?.();
  }

  /** Pauses if another thread asked (pauseRequested); whether the job is to stop stepping. */
  private stopping(): boolean {
    if (this.stateValue === 'running' && this.options.pauseRequested?.()) this.pause();
    return this.stateValue !== 'running';
  }

  async run(): Promise<R> {
    const sliceMs = this.options.sliceMs ?? 20;
    const every = this.options.reportEveryMs ?? 100;
    let lastReport = -Infinity;
    const report = (force: boolean): void => {
      const now = this.clock();
      if (!this.options.onProgress || (!force && now - lastReport < every)) return;
      lastReport = now;
      this.options.onProgress(this.progress());
    };
    try {
      report(true);
      for (;;) {
        const sliceEnd = this.clock() + sliceMs;
        let finished = false;
        // The pause request is read after the slice's last step too, and a pause reported at once:
        // at the yield, calls queued on this thread (a page's reads) may run for a while first.
        while (!finished && !this.stopping() && this.clock() < sliceEnd) finished = this.task.step();
        if (finished) break;
        report(this.stateValue !== 'running');
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
        while (this.stateValue === 'paused') {
          report(true);
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = null;
        }
        if (this.stateValue === 'cancelled') {
          this.task.cancelled?.();
          report(true);
          throw new SnapscopeError('cancelled', 'cancelled by request; the store is consistent');
        }
      }
      this.stateValue = 'done';
      report(true);
      return this.task.result();
    } catch (e) {
      if (this.stateValue !== 'cancelled') this.stateValue = 'failed';
      throw e;
    }
  }
}

/** Runs a task to completion synchronously (tests, small stores, step-recording). */
export function runToEnd<R>(task: Task<R>): R {
  while (!task.step()) {
    /* keep going */
  }
  return task.result();
}
