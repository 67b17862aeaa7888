import type { SessionDto } from '../../src-core/api/contract.ts';
import type { ConnectionState } from '../client/connection.ts';
import { toViewError, type ViewError } from './errors.ts';
import type { SliceCreator } from './types.ts';
import { liveOpenArgs } from './live-slice.ts';

/**
 * Whether what the page shows is the truth: the connection to the host, the generation of the
 * open store the views derive from, and whether someone else changed it on disk since.
 */
export interface SyncSlice {
  connection: ConnectionState;
  /** The host's generation of the open store: bumped by every commit and reload. */
  generation: number;
  /** Someone else changed the open store on disk; it shows what was read before until reloaded. */
  diskChanged: boolean;
  syncError: ViewError | null;
  /** Dialogs open: while one is, a change on disk is announced rather than reloaded under the user. */
  editing: number;
  setEditing(delta: 1 | -1): void;
  setConnection(state: ConnectionState, reconnected: boolean): void;
  /** After a reconnect: the host may be a new process; reopen the store this page showed. */
  recover(): Promise<void>;
  /** Reads the open store again from disk (the host keeps the session). */
  reloadFromDisk(): Promise<boolean>;
  noteDiskChange(generation: number): void;
  noteGeneration(generation: number | undefined): void;
}

export const createSyncSlice: SliceCreator<SyncSlice> = (client) => (set, get) => ({
  connection: 'connected',
  generation: 0,
  diskChanged: false,
  syncError: null,
  editing: 0,
  setEditing: (delta) => set((s) => ({ editing: Math.max(0, s.editing + delta) })),

  setConnection(state, reconnected) {
    set({ connection: state });
    if (reconnected) void get().recover();
  },

  async recover() {
    const shown = get().session;
    try {
      const { sessions } = await client.sessions({});
      void get().init();
      if (!shown) return;
      const same = sessions.find((s) => s.cow === shown.cow);
      if (same) return keep(same);
      const how = shown.live ? { live: liveOpenArgs(shown.live) } : { ...(shown.origin ? { origin: shown.origin } : {}), write: shown.write };
      const reopened = await client.open({ cow: shown.cow, ...how });
      keep(reopened);
    } catch (e) {
      set({ syncError: toViewError(e) });
    }
    function keep(session: SessionDto): void {
      const route = get().route;
      get().adoptSession(session);
      get().navigate(route);
      get().noteGeneration(session.generation);
    }
  },

  async reloadFromDisk() {
    const session = get().session;
    if (!session) return false;
    if (session.live) {
      // A live COW's re-read also finds what is new since the last (live-slice.ts).
      await get().refreshLive();
      return get().liveRefreshError === null;
    }
    try {
      const fresh = await get().track(`re-read ${session.cow} from disk`, () => client.reload({ session: session.session }));
      set({ session: fresh, diskChanged: false, syncError: null });
      get().applyInfo(fresh.info);
      get().noteGeneration(fresh.generation);
      get().resetViews();
      return true;
    } catch (e) {
      set({ syncError: toViewError(e) });
      return false;
    }
  },

  noteDiskChange() {
    const busy = get().editing > 0 || Object.values(get().jobs).some((j) => j.session === get().session?.session && (j.state === 'running' || j.state === 'paused'));
    if (busy) set({ diskChanged: true });
    else void get().reloadFromDisk();
  },

  noteGeneration(generation) {
    if (generation !== undefined) set({ generation });
  },
});
