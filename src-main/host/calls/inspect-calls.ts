import type { CallArgs, JobInfo, JobKind, JobResults } from '../../../src-core/api/contract.ts';
import { checkTask } from '../../../src-core/check/check.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import type { Task } from '../../../src-core/jobs/job.ts';
import { statsTask } from '../../../src-core/stats/stats.ts';
import { toCheckReport } from '../../../src-core/api/check-report.ts';
import type { HostContext, Handlers } from '../context.ts';
import { dumpText } from '../dump-text.ts';
import { openDevice } from '../open-device.ts';
import { startSessionJob } from '../session-jobs.ts';

/** Dumps bigger than this are cut unless the caller asks for more: results go to every client and stay in the job list. */
const DEFAULT_DUMP_BYTES = 1 << 20;

/**
 * The toolbox, both formats: check, stats and dump walk the raw COW with the checker, never the
 * engine's open path. On a session they are reading jobs (writes wait); on a `cow` path — a store
 * too damaged to open — the device is opened read-only for the job alone.
 */
export function inspectCalls(ctx: HostContext): Handlers<'check' | 'stats' | 'dump'> {
  const start = <K extends JobKind>(target: CallArgs<'check'>, kind: K, what: string, make: (cow: BlockDevice) => Task<JobResults[K]>): JobInfo => {
    if (target.session !== undefined) {
      const s = ctx.session(target.session);
      return startSessionJob(ctx, s, { kind, label: `${what} ${s.cowPath}`, task: make(s.cow), access: 'read' });
    }
    const { dev } = openDevice(target.cow, 'COW', false, ctx.config.helper.launcher);
    let task: Task<JobResults[K]>;
    try {
      task = make(dev);
    } catch (e) {
      dev.close(); // not a store at all: the call fails, no job starts
      throw e;
    }
    return ctx.jobs.start({ kind, session: null, label: `${what} ${target.cow}`, task, canPause: true, finally: () => dev.close() });
  };
  return {
    check: (args) => start(args, 'check', 'check', (cow) => mapTask(checkTask(cow), toCheckReport)),
    stats: (args) => start(args, 'stats', 'stats of', statsTask),
    dump: ({ format = 'json', maxBytes = DEFAULT_DUMP_BYTES, ...target }) => start(target, 'dump', `${format} dump of`, (cow) => dumpText(cow, format, maxBytes)),
  };
}

/** A task whose result is converted once it is done. */
function mapTask<A, B>(task: Task<A>, f: (a: A) => B): Task<B> {
  return {
    step: () => task.step(),
    progress: () => task.progress(),
    result: () => f(task.result()),
    ...(task.cancelled ? { cancelled: () => task.cancelled!() } : {}),
  };
}
