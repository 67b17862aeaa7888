import type { ApiEvent, JobInfo, JobKind, JobResults } from '../../src-core/api/contract.ts';
import { ApiError, toErrorShape } from '../../src-core/api/errors.ts';
import { Job, type Task } from '../../src-core/jobs/job.ts';
import { CancelBoard } from './cancel-board.ts';

interface Entry {
  job: Job<unknown>;
  info: JobInfo;
  ended: Promise<void>;
  /** When progress from inside a slice was last sent (report()). */
  reportedAt: number;
}

/** Progress sent from inside a long slice, at most this often per job. */
const REPORT_EVERY_MS = 100;

export interface StartJob<K extends JobKind> {
  kind: K;
  session: string | null;
  label: string;
  task: Task<JobResults[K]>;
  canPause: boolean;
  /** Called after every slice (structural events, store-changed) and once at the end. */
  onSlice?: () => void;
  /** Runs after the job ends, whatever the outcome (release the session's writer lock). */
  finally?: () => void;
}

/**
 * Every job of the host: runs Tasks as Jobs, broadcasts their progress and state to every client
 * (`job` events), and answers pause/resume/cancel/wait by id. Ended jobs stay listed until
 * `keep` newer ones have ended, so a client that connects late still sees the outcome.
 */
export class JobRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly emit: (event: ApiEvent) => void,
    private readonly board = new CancelBoard(),
    private readonly keep = 50,
  ) {}

  start<K extends JobKind>(spec: StartJob<K>): JobInfo {
    let entry: Entry | null = null;
    const job: Job<JobResults[K]> = new Job<JobResults[K]>(spec.task, {
      onProgress: (progress) => {
        if (!entry) return;
        entry.info = { ...entry.info, progress, state: job.state } as JobInfo;
        spec.onSlice?.();
        this.emit({ type: 'job', job: entry.info });
      },
      // A job that cannot pause (the open scan) must not stop for a pause asked of it by mistake.
      ...(spec.canPause && { pauseRequested: (): boolean => this.board.pauseRequested(job.id) }),
    });
    const info = {
      id: job.id,
      kind: spec.kind,
      session: spec.session,
      label: spec.label,
      state: job.state,
      progress: job.progress(),
      startedAt: Date.now(),
      endedAt: null,
      canPause: spec.canPause,
      error: null,
      result: null,
    } as JobInfo;
    // The job runs from the next turn, so its 'job' event and the caller's return come first.
    // The writer lock is released before the final event, so a client reacting to it can write.
    const ended = new Promise<void>((turn) => setImmediate(turn))
      .then(() => job.run())
      .finally(() => spec.finally?.())
      .then(
        (result) => this.end(job.id, { result }),
        (e: unknown) => this.end(job.id, { error: toErrorShape(e) }),
      );
    entry = { job: job as Job<unknown>, info, ended, reportedAt: 0 };
    this.entries.set(job.id, entry);
    this.emit({ type: 'job', job: info });
    return info;
  }

  /** Sends a job's progress from inside a slice (a long synchronous step), throttled. */
  report(id: string): void {
    const e = this.entries.get(id);
    const now = Date.now();
    if (!e || now - e.reportedAt < REPORT_EVERY_MS) return;
    e.reportedAt = now;
    e.info = { ...e.info, progress: e.job.progress(), state: e.job.state } as JobInfo;
    this.emit({ type: 'job', job: e.info });
  }

  /**
   * Whether a job inside a long step should stop now: cancelled through this registry, or through
   * the cancel board while this thread was blocked (then it is cancelled here too).
   */
  stopRequested(id: string): boolean {
    const e = this.entries.get(id);
    if (!e) return false;
    if (this.board.requested(id)) e.job.cancel();
    return e.job.state === 'cancelled';
  }

  /**
   * Pauses the jobs another thread asked to pause on the board (EngineHost sets it before it sends
   * jobPause). Called before each call this thread serves: the pause message waits behind the calls
   * queued before it (a page's occupancy reads, 0.35 s on a loaded machine), and the job, yielding
   * meanwhile, reads the board only at its next slice. The job is between steps now, where it stops.
   */
  heedPauses(): void {
    for (const e of this.entries.values()) if (e.info.canPause && e.job.state === 'running' && this.board.pauseRequested(e.job.id)) this.pause(e.job.id);
  }

  list(): JobInfo[] {
    return [...this.entries.values()].map((e) => e.info);
  }

  pause(id: string): JobInfo {
    const e = this.get(id);
    if (!e.info.canPause) throw new ApiError('unsupported', `${e.info.label} cannot be paused`);
    e.job.pause();
    return this.touch(e);
  }

  resume(id: string): JobInfo {
    const e = this.get(id);
    e.job.resume();
    return this.touch(e);
  }

  cancel(id: string): JobInfo {
    const e = this.get(id);
    e.job.cancel();
    return this.touch(e);
  }

  async wait(id: string): Promise<JobInfo> {
    const e = this.get(id);
    await e.ended;
    return e.info;
  }

  /** Cancels every job and waits until they have stopped (shutdown). */
  async cancelAll(): Promise<void> {
    for (const e of this.entries.values()) e.job.cancel();
    await Promise.all([...this.entries.values()].map((e) => e.ended));
  }

  private get(id: string): Entry {
    const e = this.entries.get(id);
    if (!e) throw new ApiError('unknown-job', `no job ${id}`);
    return e;
  }

  /** The job's state and progress now: between its steps (this thread serves a call), so a paused job's figures are final. */
  private touch(e: Entry): JobInfo {
    e.info = { ...e.info, state: e.job.state, progress: e.job.progress() } as JobInfo;
    this.emit({ type: 'job', job: e.info });
    return e.info;
  }

  private end(id: string, outcome: { result?: unknown; error?: ReturnType<typeof toErrorShape> }): void {
    const e = this.entries.get(id);
    if (!e) return;
    e.info = {
      ...e.info,
      state: e.job.state,
      progress: e.job.progress(),
      endedAt: Date.now(),
      result: outcome.result ?? null,
      error: outcome.error ?? null,
    } as JobInfo;
    this.emit({ type: 'job', job: e.info });
    this.prune();
  }

  private prune(): void {
    const ended = [...this.entries.values()].filter((e) => e.info.endedAt !== null);
    for (const e of ended.slice(0, Math.max(0, ended.length - this.keep))) this.entries.delete(e.info.id);
  }
}
