import type { JobInfo, JobKind, JobResults } from '../../src-core/api/dto.ts';
import type { Task } from '../../src-core/jobs/job.ts';
import type { HostContext } from './context.ts';
import type { StoreSession } from './session.ts';

export interface SessionJob<K extends JobKind> {
  kind: K;
  label: string;
  task: Task<JobResults[K]>;
  /** 'write' holds the session's writer lock, 'read' a reader lock, until the job ends. */
  access: 'read' | 'write';
  canPause?: boolean;
}

/**
 * Starts a job on a session under its lock. The caller has checked the lock is free
 * (`requireWrite` for writers; readers are checked here). Writers announce a store change after
 * every slice, readers only flush structural events.
 */
export function startSessionJob<K extends JobKind>(ctx: HostContext, s: StoreSession, job: SessionJob<K>): JobInfo {
  const writes = job.access === 'write';
  if (!writes) s.requireNoWriter(job.label);
  let id = ''; // set before the job can end: it runs from the next turn of the event loop
  const info = ctx.jobs.start({
    kind: job.kind,
    session: s.id,
    label: job.label,
    task: job.task,
    canPause: job.canPause ?? true,
    onSlice: () => (writes ? ctx.changed(s, 'job') : ctx.flushEvents(s)),
    finally: () => {
      if (s.writer === id) s.writer = null;
      s.readers.delete(id);
      if (writes) ctx.changed(s, 'job');
    },
  });
  id = info.id;
  if (writes) s.writer = id;
  else s.readers.add(id);
  return info;
}
