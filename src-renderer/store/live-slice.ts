import type { LiveSnapshotsResult } from '../../src-core/api/contract.ts';
import { toViewError, type ViewError } from './errors.ts';
import type { SliceCreator } from './types.ts';

const HOSTS_KEY = 'snapscope.liveHosts';

export interface LiveSlice {
  /** Remote hosts the user added ([user@]host), kept in this browser. */
  liveHosts: string[];
  live: LiveSnapshotsResult | null;
  liveError: ViewError | null;
  pollLive(): Promise<void>;
  addLiveHost(host: string): void;
  removeLiveHost(host: string): void;
}

export const createLiveSlice: SliceCreator<LiveSlice> = (client) => (set, get) => ({
  liveHosts: savedHosts(),
  live: null,
  liveError: null,
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
});

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
