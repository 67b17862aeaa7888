import { THIS_HOST, type LiveSessionDto, type LiveSnapshotsResult } from '../../src-core/api/contract.ts';
import { toViewError, type ViewError } from './errors.ts';
import type { SliceCreator } from './types.ts';

const HOSTS_KEY = 'snapscope.liveHosts';
const EVERY_KEY = 'snapscope.liveRefreshSeconds';
/** New exceptions fetched for the highlight at most per refresh; more are counted, not drawn. */
export const MAX_FRESH = 20_000;

/** Exceptions the kernel added between the last two reads of a live COW, by COW chunk. */
export interface FreshExceptions {
  chunks: number[];
  /** All of them (chunks holds the first MAX_FRESH). */
  count: number;
  /** When they were seen (ms): the highlight fades from here. */
  at: number;
}

export interface LiveSlice {
  /** Remote hosts the user added ([user@]host), kept in this browser. */
  liveHosts: string[];
  live: LiveSnapshotsResult | null;
  liveError: ViewError | null;
  /** Seconds between re-reads of an open live COW, kept in this browser. */
  liveEvery: number;
  liveFresh: FreshExceptions | null;
  /** Exceptions the kernel merged between the last two reads that found some, of a merging COW. */
  liveMerged: { count: number; at: number } | null;
  liveRefreshError: ViewError | null;
  pollLive(): Promise<void>;
  addLiveHost(host: string): void;
  removeLiveHost(host: string): void;
  /** Opens a live COW read-only (on `host`, through its helper; `merging`: a snapshot-merge target's) and shows its Overview. */
  openLive(cow: string, host: string, merging?: boolean): Promise<boolean>;
  setLiveEvery(seconds: number): void;
  /** Reads the open live COW again: the views show the newer table, what is new is highlighted. */
  refreshLive(): Promise<void>;
}

export const createLiveSlice: SliceCreator<LiveSlice> = (client) => (set, get) => ({
  liveHosts: savedHosts(),
  live: null,
  liveError: null,
  liveEvery: savedEvery(),
  liveFresh: null,
  liveMerged: null,
  liveRefreshError: null,
  async pollLive() {
    try {
      set({ live: await client.liveSnapshots({ hosts: get().liveHosts }), liveError: null });
    } catch (e) {
      set({ liveError: toViewError(e) });
    }
  },
  addLiveHost(host) {
    const hosts = [...new Set([...get().liveHosts, host])];
    set({ liveHosts: hosts });
    saveHosts(hosts);
  },
  removeLiveHost(host) {
    const hosts = get().liveHosts.filter((h) => h !== host);
    set({ liveHosts: hosts, live: null });
    saveHosts(hosts);
  },
  async openLive(cow, host, merging = false) {
    set({ liveFresh: null, liveMerged: null, liveRefreshError: null });
    const shown = await get().openStore({ cow, live: liveOpenArgs({ host, ...(merging && { merging: true }) }) });
    if (shown) get().navigate('overview');
    return shown;
  },
  setLiveEvery(seconds) {
    set({ liveEvery: seconds });
    try {
      globalThis.localStorage?.setItem(EVERY_KEY, String(seconds));
    } catch {
      // private mode: the choice lasts this page
    }
  },
  async refreshLive() {
    const session = get().session;
    if (!session?.live) return;
    try {
      const fresh = await client.reload({ session: session.session });
      if (get().session?.session !== session.session) return; // closed or replaced meanwhile
      const added = fresh.info.exceptions - fresh.live!.previous; // below 0 while the kernel merges
      let chunks: number[] = [];
      if (added > 0) {
        // The new entries are the table's last ones (the kernel only appends): their COW chunks.
        const page = await client.exceptionTable({ session: session.session, offset: fresh.live!.previous, limit: Math.min(added, MAX_FRESH), sort: 'entry' });
        chunks = page.rows.map((r) => r.chunk);
      }
      // No resetViews: the views refetch on the new revision and keep what they show meanwhile;
      // only the map's detail window goes (the map would prefer it to the refetched summary).
      set({
        session: fresh,
        occupancy: null,
        liveRefreshError: null,
        liveFresh: added > 0 ? { chunks, count: added, at: Date.now() } : get().liveFresh,
        liveMerged: added < 0 ? { count: -added, at: Date.now() } : get().liveMerged,
      });
      get().applyInfo(fresh.info);
      get().noteGeneration(fresh.generation);
    } catch (e) {
      set({ liveRefreshError: toViewError(e) });
    }
  },
});

/** The `open` call's `live` for a live session as the API described it: the same host, still merging or not. */
export function liveOpenArgs(live: Pick<LiveSessionDto, 'host' | 'merging'>): { host?: string; merging?: boolean } {
  return { ...(live.host !== THIS_HOST && { host: live.host }), ...(live.merging && { merging: true }) };
}

function savedEvery(): number {
  try {
    const n = Number(globalThis.localStorage?.getItem(EVERY_KEY));
    return Number.isInteger(n) && n >= 1 && n <= 3600 ? n : 5;
  } catch {
    return 5;
  }
}

function savedHosts(): string[] {
  try {
    const v = JSON.parse(globalThis.localStorage?.getItem(HOSTS_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((h): h is string => typeof h === 'string') : [];
  } catch {
    return [];
  }
}

function saveHosts(hosts: string[]): void {
  try {
    globalThis.localStorage?.setItem(HOSTS_KEY, JSON.stringify(hosts));
  } catch {
    // private mode: the list lasts this page
  }
}
