import type { JobInfo, JobKind, JobResults } from '../../../src-core/api/dto.ts';
import type { Task } from '../../../src-core/jobs/job.ts';
import type { HostContext, Handlers } from '../context.ts';
import { mergePlan, mergeTask } from '../merges.ts';
import { RandomWrites } from '../random-writes.ts';
import { startSessionJob } from '../session-jobs.ts';
import type { StoreSession } from '../session.ts';
import { slotOf, viewOf } from './store-calls.ts';

/** A merge through the API sizes its batches by time (~200 ms of work each), so Pause and Cancel act within half a second. */
const STEER_MS = 200;

type JobMethods = 'randomWrites' | 'merge' | 'jobs' | 'jobPause' | 'jobResume' | 'jobCancel' | 'jobWait';

/** Long work: each call starts a job and returns it; results arrive in job events or jobWait. */
export function jobCalls(ctx: HostContext): Handlers<JobMethods> {
  /** Starts a job on a session under its writer lock (`writes`) or a reader lock. */
  const start = <K extends JobKind>(s: StoreSession, kind: K, label: string, task: Task<JobResults[K]>, writes: boolean): JobInfo =>
    startSessionJob(ctx, s, { kind, label, task, access: writes ? 'write' : 'read' });

  return {
    randomWrites: ({ session, to, count, seed = 1, commitEvery = 100 }) => {
      const s = ctx.session(session);
      s.requireWrite('write');
      const origin = s.requireOrigin('write');
      const view = viewOf(s, to);
      return start(s, 'random-writes', `${count} random writes to ${to === 'origin' ? 'the origin' : `snapshot ${String(to)}`}`, new RandomWrites(s.store, origin, { view, count, seed, commitEvery }), true);
    },
    merge: ({ session, snapshot, dryRun = false, batchChunks }) => {
      const s = ctx.session(session);
      const origin = s.requireOrigin('merge');
      const slot = slotOf(s, snapshot);
      if (dryRun) return start(s, 'merge', `merge plan for ${s.cowPath}`, done(mergePlan(s.store, origin, slot, batchChunks)), false);
      s.requireWrite('merge');
      const label = `merge snapshot ${s.store.format === 'shared' ? `${slot} ` : ''}of ${s.cowPath} into ${s.originPath ?? 'the origin'}`;
      return start(s, 'merge', label, mergeTask(s.store, origin, slot, s.record, batchChunks, STEER_MS), true);
    },
    jobs: () => ({ jobs: ctx.jobs.list() }),
    jobPause: ({ job }) => ctx.jobs.pause(job),
    jobResume: ({ job }) => ctx.jobs.resume(job),
    jobCancel: ({ job }) => ctx.jobs.cancel(job),
    jobWait: ({ job }) => ctx.jobs.wait(job),
  };
}

/** A task that is already finished (dry runs computed up front). */
function done<R>(result: R): Task<R> {
  return { step: () => true, progress: () => ({ phase: 'plan', done: 1, total: 1, unit: 'plans' }), result: () => result };
}
