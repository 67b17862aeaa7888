import { Job, type Task } from '../../src-core/jobs/job.ts';
import type { Console } from './console.ts';
import { progressLine } from './progress-bar.ts';

/**
 * Runs a long task the CLI way: a progress bar on a terminal, JSON lines with --json, nothing
 * otherwise; SIGINT cancels between slices (the job then throws 'cancelled'), a second SIGINT
 * is left to Node's default (exit at once).
 */
export async function runJob<R>(task: Task<R>, con: Console): Promise<R> {
  const job = new Job(task, {
    onProgress: (p) => {
      if (con.json) con.emit({ progress: p });
      else con.status(progressLine(p));
    },
    reportEveryMs: con.json ? 200 : 100,
  });
  const onInt = (): void => {
    process.removeListener('SIGINT', onInt);
    job.cancel();
  };
  process.on('SIGINT', onInt);
  try {
    return await job.run();
  } finally {
    process.removeListener('SIGINT', onInt);
    con.endStatus();
  }
}
