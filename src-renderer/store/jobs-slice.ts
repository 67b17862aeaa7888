import type { JobInfo, MergeResult, SnapshotRef, StoreInfo } from '../../src-core/api/contract.ts';
import { formatCount } from '../viz/format.ts';
import { toViewError, type ViewError } from './errors.ts';
import type { SliceCreator } from './types.ts';

export interface MergeRun {
  job: string;
  /** The store as it was when the merge started: "what changed" compares against it. */
  before: StoreInfo;
  snapshotName: string;
}

export interface JobsSlice {
  /** Every job this window has seen, by id; job events arrive at up to ~10 Hz per job. */
  jobs: Readonly<Record<string, JobInfo>>;
  merge: MergeRun | null;
  mergeError: ViewError | null;
  /** A dry run: what the merge would copy and the space it needs; nothing changes. Errors come back as a value. */
  planMerge(snapshot: SnapshotRef): Promise<MergeResult | ViewError>;
  startMerge(snapshot: SnapshotRef, snapshotName: string): Promise<void>;
  controlJob(action: 'pause' | 'resume' | 'cancel', job: string): Promise<void>;
  /**
   * Adopts this session's merge job that is still running or paused (a reload lost `merge`, the
   * host kept the job): true when one was found. `before` is then the store as it is now.
   */
  reattachMerge(snapshotName: string): Promise<boolean>;
  applyJob(job: JobInfo): void;
  clearMerge(): void;
  /** Clears a recorded merge that moved no origin chunk (the host checks); the origin stays as it was. */
  abandonMerge(): Promise<void>;
}

export const createJobsSlice: SliceCreator<JobsSlice> = (client) => (set, get) => {
  /** Activity entries of jobs, so each job is one line whose status follows the job. */
  const entries = new Map<string, number>();
  return {
    jobs: {},
    merge: null,
    mergeError: null,

    async planMerge(snapshot) {
      const session = get().session?.session;
      if (!session) return toViewError({ code: 'unknown-session', message: 'No store is open.' });
      try {
        const started = await client.merge({ session, snapshot, dryRun: true });
        const job = started.state === 'done' && started.result ? started : await client.jobWait({ job: started.id });
        if (job.kind === 'merge' && job.state === 'done' && job.result) return job.result;
        return toViewError(job.error ?? { code: 'internal', message: `the dry run ended ${job.state}` });
      } catch (e) {
        return toViewError(e);
      }
    },

    async startMerge(snapshot, snapshotName) {
      const session = get().session?.session;
      const before = get().info;
      if (!session || !before) return;
      set({ mergeError: null });
      try {
        const job = await client.merge({ session, snapshot });
        set({ merge: { job: job.id, before, snapshotName } });
        get().applyJob(job);
      } catch (e) {
        set({ mergeError: toViewError(e) });
      }
    },

    async controlJob(action, job) {
      try {
        const info = await (action === 'pause' ? client.jobPause({ job }) : action === 'resume' ? client.jobResume({ job }) : client.jobCancel({ job }));
        get().applyJob(info);
      } catch (e) {
        set({ mergeError: toViewError(e) });
      }
    },

    async reattachMerge(snapshotName) {
      const session = get().session?.session;
      if (!session || get().merge) return false;
      try {
        const { jobs } = await client.jobs({});
        const job = jobs.find((j) => j.kind === 'merge' && j.session === session && (j.state === 'running' || j.state === 'paused'));
        const before = get().info;
        if (!job || !before || get().merge) return false;
        set({ merge: { job: job.id, before, snapshotName } });
        get().applyJob(job);
        return true;
      } catch (e) {
        set({ mergeError: toViewError(e) });
        return false;
      }
    },

    applyJob(job) {
      const known = get().jobs[job.id];
      set((s) => ({ jobs: { ...s.jobs, [job.id]: job } }));
      const status = job.state === 'done' ? 'ok' : job.state === 'failed' ? 'error' : job.state === 'cancelled' ? 'cancelled' : 'running';
      const detail = job.error ? `${job.error.code}: ${job.error.message}` : job.state === 'paused' ? 'paused' : null;
      const entry = entries.get(job.id);
      if (entry === undefined) entries.set(job.id, get().logEvent({ label: job.label, kind: 'job', status, detail, job: job.id }));
      // A job may say 'done' before its result arrives: the entry is updated again when it does.
      else if (!known || known.state !== job.state || (!known.result && job.result)) get().updateEntry(entry, { status, detail: detail ?? (job.state === 'done' ? summary(job) : null) });
    },

    clearMerge: () => set({ merge: null, mergeError: null }),

    async abandonMerge() {
      const session = get().session?.session;
      if (!session) return;
      set({ mergeError: null });
      try {
        const info = await get().track('abandon the recorded merge', () => client.mergeAbandon({ session }));
        get().applyInfo(info);
        set({ merge: null });
      } catch (e) {
        set({ mergeError: toViewError(e) });
      }
    },
  };
};

function summary(job: JobInfo): string | null {
  if (job.kind === 'merge' && job.result) return job.result.summary[0] ?? `${job.result.chunks} chunks merged`;
  if (job.kind === 'open' && job.result) {
    const { format, info } = job.result;
    return `${format} store, ${info.snapshots.length} snapshot${info.snapshots.length === 1 ? '' : 's'}, ${formatCount(info.exceptions)} exceptions`;
  }
  // What a check or statistics found, not where its progress last stood.
  if (job.kind === 'check' && job.result) {
    const r = job.result;
    return `${r.errors} error${r.errors === 1 ? '' : 's'}, ${r.warnings} warning${r.warnings === 1 ? '' : 's'}; ${formatCount(r.exceptions)} exceptions seen`;
  }
  if (job.kind === 'stats' && job.result) return `${formatCount(job.result.exceptions)} exceptions, ${job.result.snapshots.length} snapshot${job.result.snapshots.length === 1 ? '' : 's'}`;
  return `${formatCount(job.progress.done)} / ${formatCount(job.progress.total)} ${job.progress.unit}`;
}
