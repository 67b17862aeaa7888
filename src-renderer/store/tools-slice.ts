import type { BrowseResult, CallArgs, CheckReport, DumpResult, JobInfo, JobResults, RepairResultDto, RestoreResultDto, StatsReport, ViewRef } from '../../src-core/api/contract.ts';
import { ApiError } from '../../src-core/api/contract.ts';
import { toViewError, type ViewError } from './errors.ts';
import type { SliceCreator } from './types.ts';

/** What a tool runs on: the open store, or a COW path (a store too damaged to open). */
export type ToolTarget = { session: string } | { cow: string };
/** A restore's target, dump and options, as the API takes them. */
export type RestoreAsk = CallArgs<'restore'>;

export interface ToolResults {
  check: CheckReport | null;
  stats: StatsReport | null;
  repair: RepairResultDto | null;
  dump: DumpResult | null;
  restore: RestoreResultDto | null;
}

export interface ToolsSlice {
  toolResults: ToolResults;
  toolError: ViewError | null;
  /** The tool running now, if any. */
  toolBusy: keyof ToolResults | 'write' | null;
  /** The job of the tool running now (its progress, its cancel). */
  toolJob: string | null;
  runCheck(target: ToolTarget): Promise<void>;
  runStats(target: ToolTarget): Promise<void>;
  runRepair(target: ToolTarget, out: string): Promise<void>;
  runDump(target: ToolTarget, format: 'json' | 'xml'): Promise<DumpResult | null>;
  /** A restore's dry run: what it would write and overwrite; nothing changes. */
  previewRestore(ask: RestoreAsk): Promise<RestoreResultDto | ViewError>;
  runRestore(ask: RestoreAsk): Promise<RestoreResultDto | null>;
  /** Fills one chunk of a view with a byte (`snapscope write --fill`). */
  writeFill(to: ViewRef, chunk: number, fill: number): Promise<ViewError | null>;
  /** Writes bytes (base64) at a byte offset of a view (`snapscope write --data`). */
  writeUpload(to: ViewRef, offset: number, data: string): Promise<ViewError | null>;
  /** What a check finding a link was followed from points at: the Occupancy map and the exception table show it marked. */
  findingFocus: FindingFocus | null;
  /**
   * Shows where a finding points in one view: the B-tree searched to the leaf holding the chunk
   * (the path lit, the camera on the leaf), the Occupancy map's camera on the chunk (marked), the
   * exception table scrolled to the entry (marked).
   */
  showFinding(where: { chunk?: number; entry?: number }, view: FindingView): Promise<void>;
  /** One directory of the server's file system (serve mode's file chooser). */
  browse(dir?: string): Promise<BrowseResult | ViewError>;
}

export type FindingView = 'btree' | 'occupancy' | 'table';
export interface FindingFocus {
  chunk: number | null;
  /** Persistent: the entry of the on-disk table. */
  entry: number | null;
  /** Bumped per link followed, so following the same link again moves the camera again. */
  seq: number;
}

const NONE: ToolResults = { check: null, stats: null, repair: null, dump: null, restore: null };

export const createToolsSlice: SliceCreator<ToolsSlice> = (client) => (set, get) => {
  /** An origin chunk in the subtree of tree block `chunk`, or the origin the exception data in it keeps: what a B-tree search goes to. */
  const keyIn = async (session: string, chunk: number): Promise<number | null> => {
    const info = await client.chunkInfo({ session, chunk });
    if (info.exception) return info.exception.origin;
    if (info.role !== 'node' && info.role !== 'leaf') return null;
    for (let at = chunk, depth = 0; depth < 20; depth++) {
      const block = await client.treeBlock({ session, chunk: at });
      if (block.kind === 'leaf') return block.entries[0]?.origin ?? block.base;
      // entries[0].key is not on disk; child 1's first key lies inside this node's range.
      if (block.entries[1]) return block.entries[1].key;
      at = block.entries[0]!.chunk;
    }
    return null;
  };
  /** Starts a tool's job, logs it, waits for it, keeps its result. */
  const run = async <K extends keyof ToolResults>(kind: K, start: () => Promise<JobInfo>): Promise<JobResults[K] | null> => {
    set({ toolBusy: kind, toolError: null });
    try {
      const started = await start();
      get().applyJob(started);
      set({ toolJob: started.id });
      const end = await client.jobWait({ job: started.id });
      get().applyJob(end);
      if (end.state !== 'done' || !end.result) {
        set({ toolError: toViewError(end.error ?? { code: 'cancelled', message: `${end.label} ended ${end.state}` }) });
        return null;
      }
      const result = end.result as JobResults[K];
      set((s) => ({ toolResults: { ...s.toolResults, [kind]: result } }));
      return result;
    } catch (e) {
      set({ toolError: toViewError(e) });
      return null;
    } finally {
      set({ toolBusy: null, toolJob: null });
    }
  };
  const write = async (label: string, call: (session: string) => Promise<unknown>): Promise<ViewError | null> => {
    const session = get().session?.session;
    if (!session) return toViewError({ code: 'unknown-session', message: 'No store is open.' });
    set({ toolBusy: 'write' });
    try {
      await get().track(label, () => call(session));
      await get().refreshInfo();
      return null;
    } catch (e) {
      return toViewError(e);
    } finally {
      set({ toolBusy: null });
    }
  };
  return {
    toolResults: NONE,
    toolError: null,
    toolBusy: null,
    toolJob: null,
    runCheck: async (target) => void (await run('check', () => client.check(target))),
    runStats: async (target) => void (await run('stats', () => client.stats(target))),
    runRepair: async (target, out) => void (await run('repair', () => client.repair({ ...target, out }))),
    runDump: (target, format) => run('dump', () => client.dump({ ...target, format, maxBytes: 64 << 20 })),
    async previewRestore(ask) {
      try {
        const started = await client.restore({ ...ask, dryRun: true });
        get().applyJob(started);
        const end = await client.jobWait({ job: started.id });
        get().applyJob(end);
        if (end.state === 'done' && end.kind === 'restore' && end.result) return end.result;
        return toViewError(end.error ?? { code: 'cancelled', message: `${end.label} ended ${end.state}` });
      } catch (e) {
        return toViewError(e);
      }
    },
    async runRestore(ask) {
      const result = await run('restore', () => client.restore(ask));
      // The host read the store again: every view derived from the old one goes.
      if (result && 'session' in ask && ask.session === get().session?.session) {
        get().resetViews();
        await get().refreshInfo();
      }
      return result;
    },
    writeFill: (to, chunk, fill) => write(`fill chunk ${chunk} of ${to === 'origin' ? 'the origin' : `snapshot ${to}`} with ${fill}`, (session) => client.writeChunk({ session, to, chunk, fill })),
    writeUpload: (to, offset, data) => write(`write data at byte ${offset} of ${to === 'origin' ? 'the origin' : `snapshot ${to}`}`, (session) => client.writeData({ session, to, offset, data })),
    findingFocus: null,
    async showFinding(where, view) {
      const session = get().session?.session;
      if (!session) return;
      try {
        const seq = (get().findingFocus?.seq ?? 0) + 1;
        if (view === 'occupancy' && where.chunk !== undefined) {
          set({ findingFocus: { chunk: where.chunk, entry: null, seq } });
          return get().navigate('bitmap');
        }
        if (view === 'table') {
          const entry = where.entry ?? (where.chunk === undefined ? null : (await client.chunkInfo({ session, chunk: where.chunk })).exception?.entry ?? null);
          if (entry === null) throw new ApiError('not-found', `chunk ${where.chunk} is no exception's data: it has no entry in the table`, {});
          // The table in on-disk order, unfiltered: row i is entry i.
          get().setQuery({ sort: 'entry', descending: false, originFrom: null, originTo: null });
          set({ findingFocus: { chunk: where.chunk ?? null, entry, seq } });
          return get().navigate('persistent');
        }
        if (where.chunk === undefined) return;
        const key = await keyIn(session, where.chunk);
        if (key === null) throw new ApiError('not-found', `chunk ${where.chunk} is not reached from the B-tree (neither a tree block nor mapped exception data)`, {});
        get().navigate('btree');
        await get().searchKey(key);
      } catch (e) {
        set({ toolError: toViewError(e) });
      }
    },
    async browse(dir) {
      try {
        return await client.browse(dir === undefined ? {} : { dir });
      } catch (e) {
        return toViewError(e);
      }
    },
  };
};
