/**
 * A cancel request that reaches an engine thread while it is blocked (each thread has its own).
 * The persistent store's open scan is one synchronous call: a `jobCancel` message would wait in
 * the worker's queue until the scan ended. So the main thread also writes the job's number into
 * shared memory, and the scan's progress callback reads it (JobRegistry.stopRequested).
 */
export class CancelBoard {
  private readonly cell: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.cell = new Int32Array(buffer);
  }

  /** Main thread: ask job `id` ("job-12") to stop. */
  request(id: unknown): void {
    const n = jobNumber(id);
    if (n !== null) Atomics.store(this.cell, 0, n);
  }

  /** Engine thread: whether `id` was asked to stop. */
  requested(id: string): boolean {
    const n = jobNumber(id);
    return n !== null && Atomics.load(this.cell, 0) === n;
  }
}

function jobNumber(id: unknown): number | null {
  const m = typeof id === 'string' ? /^job-(\d{1,9})$/.exec(id) : null;
  return m ? Number(m[1]) : null;
}
