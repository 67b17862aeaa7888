import type { CheckReport, JobInfo, JobKind, JobResults } from '../../../src-core/api/dto.ts';
import { ApiError } from '../../../src-core/api/errors.ts';
import { checkTask } from '../../../src-core/check/check.ts';
import type { CheckReport as EngineCheckReport } from '../../../src-core/check/findings.ts';
import type { Task } from '../../../src-core/jobs/job.ts';
import { createPersistentMerge, planPersistentMerge } from '../../../src-core/persistent/index.ts';
import type { HostContext, Handlers } from '../context.ts';
import { persistentOf } from '../formats.ts';
import { RandomWrites } from '../random-writes.ts';
import type { StoreSession } from '../session.ts';
import { slotOf, viewOf } from './store-calls.ts';

type JobMethods = 'randomWrites' | 'check' | 'stats' | 'dump' | 'merge' | 'jobs' | 'jobPause' | 'jobResume' | 'jobCancel' | 'jobWait';

/** Long work: each call starts a job and returns it; results arrive in job events or jobWait. */
export function jobCalls(ctx: HostContext): Handlers<JobMethods> {
  /** Starts a job on a session; a writing job holds the session's writer lock until it ends. */
  const start = <K extends JobKind>(s: StoreSession, kind: K, label: string, task: Task<JobResults[K]>, writes: boolean): JobInfo => {
    let id = ''; // set before the job can end: run() settles asynchronously
    const info = ctx.jobs.start({
      kind,
      session: s.id,
      label,
      task,
      canPause: true,
      onSlice: () => (writes ? ctx.changed(s, 'job') : ctx.flushEvents(s)),
      finally: () => {
        if (s.writer === id) s.writer = null;
        if (writes) ctx.changed(s, 'job');
      },
    });
    id = info.id;
    if (writes) s.writer = id;
    return info;
  };

  return {
    randomWrites: ({ session, to, count, seed = 1, commitEvery = 100 }) => {
      const s = ctx.session(session);
      s.requireWrite('write');
      const origin = s.requireOrigin('write');
      const view = viewOf(s, to);
      return start(s, 'random-writes', `${count} random writes to ${to === 'origin' ? 'the origin' : `snapshot ${String(to)}`}`, new RandomWrites(s.store, origin, { view, count, seed, commitEvery }), true);
    },
    check: ({ session }) => {
      const s = ctx.session(session);
      return start(s, 'check', `check ${s.cowPath}`, mapTask(checkTask(s.cow), toCheckReport), false);
    },
    stats: () => {
      throw new ApiError('unsupported', 'statistics are not available in this build yet');
    },
    dump: () => {
      throw new ApiError('unsupported', 'dump is not available in this build yet');
    },
    merge: ({ session, snapshot, dryRun = false }) => {
      const s = ctx.session(session);
      const origin = s.requireOrigin('merge');
      const slot = slotOf(s, snapshot);
      const p = persistentOf(s.store, 'merge of a shared-store snapshot is not available in this build yet');
      if (dryRun) {
        const plan = planPersistentMerge(p, origin);
        return start(s, 'merge', `merge plan for ${s.cowPath}`, done({ dryRun: true, slot, chunks: plan.chunks, bytes: plan.bytes, summary: plan.summary }), false);
      }
      s.requireWrite('merge');
      return start(s, 'merge', `merge snapshot of ${s.cowPath} into ${s.originPath ?? 'the origin'}`, createPersistentMerge(p, origin, { events: s.record }), true);
    },
    jobs: () => ({ jobs: ctx.jobs.list() }),
    jobPause: ({ job }) => ctx.jobs.pause(job),
    jobResume: ({ job }) => ctx.jobs.resume(job),
    jobCancel: ({ job }) => ctx.jobs.cancel(job),
    jobWait: ({ job }) => ctx.jobs.wait(job),
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

/** A task that is already finished (dry runs computed up front). */
function done<R>(result: R): Task<R> {
  return { step: () => true, progress: () => ({ phase: 'plan', done: 1, total: 1, unit: 'plans' }), result: () => result };
}

function toCheckReport(r: EngineCheckReport): CheckReport {
  return {
    clean: r.errors === 0,
    errors: r.errors,
    warnings: r.warnings,
    findings: r.findings.map((f) => ({
      kind: f.kind,
      severity: f.severity,
      message: f.message,
      where: { device: r.device, chunk: f.chunk, ...(f.entry !== undefined ? { entry: f.entry } : {}) },
      ...(f.expected !== undefined ? { expected: f.expected } : {}),
    })),
    truncated: r.truncated,
    byKind: r.byKind as Record<string, number>,
    blocks: r.blocks,
    exceptions: r.exceptions,
  };
}
