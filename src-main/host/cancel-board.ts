/**
 * Cancel and pause requests that reach an engine thread while it is busy (each thread has its own).
 * The persistent store's open scan is one synchronous call, and a merge's batch a long step: a
 * `jobCancel` or `jobPause` message would wait in the worker's queue until the call ended or, for
 * a pause, until the job's next turn of the event loop, after its next step had begun (a merge
 * paused after its copies then wrote the origin first). So the main thread also writes the job's
 * number into shared memory: the scan's progress callback reads the cancel cell
 * (JobRegistry.stopRequested), and the job reads the pause cell before each step.
 */
export class CancelBoard {
  private readonly cells: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.cells = new Int32Array(buffer);
  }

  /** Main thread: ask job `id` ("job-12") to stop. */
  request(id: unknown): void {
    const n = jobNumber(id);
    if (n !== null) Atomics.store(this.cells, CANCEL, n);
  }

  /** Engine thread: whether `id` was asked to stop. */
  requested(id: string): boolean {
    const n = jobNumber(id);
    return n !== null && Atomics.load(this.cells, CANCEL) === n;
  }

  /** Main thread: ask job `id` to pause before its next step (the message confirms it later). */
  requestPause(id: unknown): void {
    const n = jobNumber(id);
    if (n !== null) Atomics.store(this.cells, PAUSE, n);
  }

  /** Main thread, before a resume is sent: the job's pause request is spent. */
  clearPause(id: unknown): void {
    const n = jobNumber(id);
    if (n !== null) Atomics.compareExchange(this.cells, PAUSE, n, 0);
  }

  /** Engine thread: whether `id` was asked to pause. */
  pauseRequested(id: string): boolean {
    const n = jobNumber(id);
    return n !== null && Atomics.load(this.cells, PAUSE) === n;
  }
}

const CANCEL = 0;
const PAUSE = 1;

function jobNumber(id: unknown): number | null {
  const m = typeof id === 'string' ? /^job-(\d{1,9})$/.exec(id) : null;
  return m ? Number(m[1]) : null;
}
