import type { JobInfo } from '../../src-core/api/contract.ts';
import type { EngineThread } from './engine-thread.ts';

interface Entry {
  info: JobInfo;
  thread: EngineThread;
  local: string;
}

/**
 * The jobs of every engine thread under one numbering. Each thread counts its jobs from job-1, so
 * the host gives each job its own id when it first sees it (the thread's `job` event comes before
 * the call's answer) and keeps its latest JobInfo: `jobs` and the wait for an ended job are
 * answered here, even while the job's thread is busy or after it has stopped. Ended jobs stay
 * listed until `keep` newer ones have ended, as in one JobRegistry.
 */
export class JobBook {
  private readonly entries = new Map<string, Entry>();
  private readonly ids = new Map<EngineThread, Map<string, string>>();
  private next = 1;

  constructor(private readonly keep = 50) {}

  /** A thread's JobInfo under its host-wide id, recorded as the job's latest state. */
  note(thread: EngineThread, local: JobInfo): JobInfo {
    const id = this.idOf(thread, local.id);
    const info = { ...local, id };
    this.entries.set(id, { info, thread, local: local.id });
    if (info.endedAt !== null) this.prune();
    return info;
  }

  get(id: string): Entry | undefined {
    return this.entries.get(id);
  }

  list(): JobInfo[] {
    return [...this.entries.values()].map((e) => e.info);
  }

  running(thread: EngineThread): JobInfo[] {
    return [...this.entries.values()].filter((e) => e.thread === thread && e.info.endedAt === null).map((e) => e.info);
  }

  /** A thread's text ("job-3 is using it") with its job ids made host-wide. */
  rename(thread: EngineThread, text: string): string {
    const ids = this.ids.get(thread);
    return ids ? text.replace(/\bjob-\d+\b/g, (local) => ids.get(local) ?? local) : text;
  }

  /** A stopped thread's jobs keep their ended entries; its numbering goes. */
  forget(thread: EngineThread): void {
    this.ids.delete(thread);
  }

  private idOf(thread: EngineThread, local: string): string {
    let ids = this.ids.get(thread);
    if (!ids) this.ids.set(thread, (ids = new Map()));
    let id = ids.get(local);
    if (id === undefined) ids.set(local, (id = `job-${this.next++}`));
    return id;
  }

  private prune(): void {
    const ended = [...this.entries.values()].filter((e) => e.info.endedAt !== null);
    for (const e of ended.slice(0, Math.max(0, ended.length - this.keep))) {
      this.entries.delete(e.info.id);
      this.ids.get(e.thread)?.delete(e.local);
    }
  }
}
