import type { CallArgs, HelloResult, ListDevicesResult, RecentStore, SessionDto } from '../../src-core/api/contract.ts';
import { toViewError, type ViewError } from './errors.ts';
import type { SliceCreator } from './types.ts';

export interface SessionSlice {
  hello: HelloResult | null;
  devices: ListDevicesResult | null;
  recent: RecentStore[];
  session: SessionDto | null;
  /** What is being opened right now ("demo store", a path), for the start view's spinner. */
  opening: string | null;
  startError: ViewError | null;
  /** Loads host facts, devices and recent stores; adopts a store the server already opened. */
  init(): Promise<void>;
  refreshDevices(dir?: string): Promise<void>;
  openStore(args: CallArgs<'open'>): Promise<boolean>;
  openDemo(): Promise<boolean>;
  /** Reopens the current store for writing (the UI confirms first) or read-only. */
  reopen(write: boolean): Promise<boolean>;
  closeStore(): Promise<void>;
  adoptSession(session: SessionDto): void;
}

export const createSessionSlice: SliceCreator<SessionSlice> = (client) => (set, get) => ({
  hello: null,
  devices: null,
  recent: [],
  session: null,
  opening: null,
  startError: null,

  async init() {
    try {
      const [hello, recent, sessions] = await Promise.all([client.hello({}), client.recentStores({}), client.sessions({})]);
      set({ hello, recent: recent.stores });
      const first = sessions.sessions[0];
      if (first && !get().session) get().adoptSession(first);
      await get().refreshDevices();
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
    set({ opening: args.cow, startError: null });
    try {
      const session = await get().track(`open ${args.cow}${args.write ? ' for writing' : ''}`, () => client.open(args), (s) => `${s.format} store, ${s.info.snapshots.length} snapshot(s)`);
      get().adoptSession(session);
      void client.recentStores({}).then((r) => set({ recent: r.stores }), () => undefined);
      return true;
    } catch (e) {
      set({ startError: toViewError(e) });
      return false;
    } finally {
      set({ opening: null });
    }
  },

  async openDemo() {
    set({ opening: 'demo store', startError: null });
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
    set({ session, info: session.info, infoError: null });
    get().resetViews();
    if (get().route === 'start') get().navigate('overview');
  },
});
