import type { SliceCreator } from './types.ts';
import { toViewError } from './errors.ts';

export interface ActivityEntry {
  id: number;
  /** Unix milliseconds. */
  at: number;
  label: string;
  kind: 'call' | 'job' | 'event';
  status: 'running' | 'ok' | 'error' | 'cancelled';
  detail: string | null;
  /** The job it tracks, for job entries. */
  job?: string;
}

export interface ActivitySlice {
  activity: ActivityEntry[];
  /** Logs an operation, runs it, logs its result; rethrows so the caller can show the error in place. */
  track<T>(label: string, run: () => Promise<T>, describe?: (result: T) => string | null): Promise<T>;
  logEvent(entry: Omit<ActivityEntry, 'id' | 'at'>): number;
  updateEntry(id: number, patch: Partial<ActivityEntry>): void;
}

const MAX_ENTRIES = 500;
let nextId = 1;

export const createActivitySlice: SliceCreator<ActivitySlice> = () => (set, get) => ({
  activity: [],
  logEvent(entry) {
    const id = nextId++;
    set((s) => ({ activity: [{ ...entry, id, at: Date.now() }, ...s.activity].slice(0, MAX_ENTRIES) }));
    return id;
  },
  updateEntry(id, patch) {
    set((s) => ({ activity: s.activity.map((e) => (e.id === id ? { ...e, ...patch } : e)) }));
  },
  async track(label, run, describe) {
    const id = get().logEvent({ label, kind: 'call', status: 'running', detail: null });
    try {
      const result = await run();
      get().updateEntry(id, { status: 'ok', detail: describe?.(result) ?? null });
      return result;
    } catch (e) {
      const err = toViewError(e);
      get().updateEntry(id, { status: 'error', detail: `${err.code}: ${err.message}` });
      throw e;
    }
  },
});
