import { Job, type Task } from '../../src-core/jobs/job.ts';
import type { ProgressReport } from '../../src-core/jobs/progress.ts';
import type { Args } from './args.ts';
import type { Console } from './console.ts';
import { progressBar, progressLine } from './progress-bar.ts';

const DEFAULT_INTERVAL_SECONDS = 10;

/**
 * Runs a long task the CLI way: a bar on a terminal; elsewhere a plain line every --interval
 * seconds; JSON lines with --json; nothing with --quiet. SIGINT cancels between slices (the job
 * then throws 'cancelled': exit 130); a second SIGINT is left to Node's default (exit at once).
 */
export async function runJob<R>(task: Task<R>, con: Console, args?: Args, noted?: Promise<void>): Promise<R> {
  const sink = progressSink(con, args?.flag('quiet') ?? false, args?.number('interval') ?? DEFAULT_INTERVAL_SECONDS);
  // `noted`: the input's note may still be coming (withDevice); progress waits for it, the note comes first.
  let ready = noted === undefined;
  void noted?.then(() => (ready = true), () => {});
  let shown = false;
  const show = sink && ((p: ProgressReport): void => {
    if (!ready) return;
    shown = true;
    sink(p);
  });
  const job = new Job(task, { ...(show && { onProgress: show }), reportEveryMs: con.json ? 200 : 100 });
  try {
    return await runCancellable(job);
  } finally {
    if (shown && con.stderrIsTTY && !con.json) con.endStatus();
  }
}

/** Runs a job that the first SIGINT cancels (it then throws 'cancelled': exit 130), progress shown or not. */
export async function runCancellable<R>(job: Job<R>): Promise<R> {
  const onInt = (): void => {
    process.removeListener('SIGINT', onInt);
    job.cancel();
  };
  process.on('SIGINT', onInt);
  try {
    return await job.run();
  } finally {
    process.removeListener('SIGINT', onInt);
  }
}

function progressSink(con: Console, quiet: boolean, intervalSeconds: number): ((p: ProgressReport) => void) | null {
  if (con.json) return (p) => con.emit({ progress: p });
  if (quiet) return null;
  if (con.stderrIsTTY) return (p) => con.status(progressBar(p));
  if (intervalSeconds === 0) return null;
  let next = intervalSeconds;
  return (p) => {
    if (p.elapsedSeconds < next) return;
    con.note(progressLine(p));
    next = (Math.floor(p.elapsedSeconds / intervalSeconds) + 1) * intervalSeconds;
  };
}
