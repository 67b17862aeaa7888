import type { CallArgs, DiscoverPairsResult, HelloResult, ListDevicesResult, RecentStore, SessionDto } from '../../src-core/api/contract.ts';
import { ApiError } from '../../src-core/api/contract.ts';
import { toViewError, type ViewError } from './errors.ts';
import type { SliceCreator } from './types.ts';

/** What is being opened right now: its label, and its job once the host has started it. */
export interface Opening {
  label: string;
  job: string | null;
}

export interface SessionSlice {
  hello: HelloResult | null;
  devices: ListDevicesResult | null;
  /** Origin/COW pairs of snapshots the system runs (dmsetup, LVM). */
  pairs: DiscoverPairsResult | null;
  recent: RecentStore[];
  session: SessionDto | null;
  opening: Opening | null;
  startError: ViewError | null;
  /** Says an open was cancelled (not an error: the user asked). */
  startNote: string | null;
  /** Loads host facts, devices, pairs and recent stores; adopts a store the server already opened. */
  init(): Promise<void>;
  refreshDevices(dir?: string): Promise<void>;
  /** Opens as a job (progress in `jobs`, cancellable with `cancelOpen`); true once the store is shown. */
  openStore(args: CallArgs<'open'>): Promise<boolean>;
  cancelOpen(): Promise<void>;
  openDemo(): Promise<boolean>;
  /** Reopens the current store for writing (the UI confirms first) or read-only. */
  reopen(write: boolean): Promise<boolean>;
  closeStore(): Promise<void>;
  adoptSession(session: SessionDto): void;
}

export const createSessionSlice: SliceCreator<SessionSlice> = (client) => (set, get) => ({
  hello: null,
  devices: null,
  pairs: null,
  recent: [],
  session: null,
  opening: null,
  startError: null,
  startNote: null,

  async init() {
    try {
      const [hello, recent, sessions] = await Promise.all([client.hello({}), client.recentStores({}), client.sessions({})]);
      set({ hello, recent: recent.stores });
      const first = sessions.sessions[0];
      if (first && !get().session) {
        get().adoptSession(first);
        // Its open is no job of this window's: say it here, or Activity reads as if nothing were open.
        get().logEvent({ label: `${first.cow} was open already (opened by the server or another window)`, kind: 'event', status: 'ok', detail: null });
      }
      await Promise.all([get().refreshDevices(), client.discoverPairs({}).then((pairs) => set({ pairs }))]);
    } catch (e) {
      set({ startError: toViewError(e) });
    }
  },

  async refreshDevices(dir) {
    try {
      const devices = await client.listDevices(dir === undefined ? {} : { dir });
      set({ devices });
    } catch (e) {
      set({ startError: toViewError(e) });
    }
  },

  async openStore(args) {
    const label = `${args.cow}${args.write ? ' for writing' : ''}`;
    set({ opening: { label, job: null }, startError: null, startNote: null });
    try {
      // The job's events log it in Activity (one entry that follows the job), so no `track` here.
      const started = await client.openStart(args);
      set({ opening: { label, job: started.id } });
      get().applyJob(started);
      const end = await client.jobWait({ job: started.id });
      get().applyJob(end);
      if (end.state === 'cancelled') {
        set({ startNote: `Opening ${args.cow} was cancelled; nothing was changed.` });
        return false;
      }
      if (end.kind !== 'open' || !end.result) throw new ApiError(end.error?.code ?? 'internal', end.error?.message ?? `the open ended ${end.state}`, end.error?.where ?? {});
      get().adoptSession(end.result);
      void client.recentStores({}).then((r) => set({ recent: r.stores }), () => undefined);
      return true;
    } catch (e) {
      set({ startError: toViewError(e) });
      return false;
    } finally {
      set({ opening: null });
    }
  },

  async cancelOpen() {
    const job = get().opening?.job;
    if (job) await client.jobCancel({ job }).catch(() => undefined); // it may have just ended
  },

  async openDemo() {
    set({ opening: { label: 'the demo store', job: null }, startError: null, startNote: null });
    try {
      const demo = await get().track('create demo store', () => client.createDemo({}), (d) => (d.created ? `created in ${d.dir}` : `already in ${d.dir}`));
      return await get().openStore({ cow: demo.cow, origin: demo.origin, write: true });
    } catch (e) {
      set({ startError: toViewError(e), opening: null });
      return false;
    }
  },

  async reopen(write) {
    const current = get().session;
    if (!current) return false;
    await client.close({ session: current.session }).catch(() => undefined);
    return get().openStore({ cow: current.cow, ...(current.origin ? { origin: current.origin } : {}), write });
  },

  async closeStore() {
    const current = get().session;
    if (!current) return;
    await get().track(`close ${current.cow}`, () => client.close({ session: current.session })).catch(() => undefined);
    set({ session: null, info: null });
    get().resetViews();
    get().navigate('start');
  },

  adoptSession(session) {
    set({ session, info: session.info, infoError: null, diskChanged: false, generation: session.generation ?? 0 });
    get().resetViews();
    if (get().route === 'start') get().navigate('overview');
  },
});
