import type { SnapshotRef, StoreInfo } from '../../src-core/api/contract.ts';
import { toViewError, type ViewError } from './errors.ts';
import type { SliceCreator } from './types.ts';

export interface InfoSlice {
  info: StoreInfo | null;
  infoError: ViewError | null;
  /** Bumped whenever the store's content changes: views refetch what they show. */
  revision: number;
  refreshInfo(): Promise<void>;
  applyInfo(info: StoreInfo): void;
  createSnapshot(name: string): Promise<ViewError | null>;
  renameSnapshot(snapshot: SnapshotRef, name: string): Promise<ViewError | null>;
  deleteSnapshot(snapshot: SnapshotRef, label: string): Promise<ViewError | null>;
}

export const createInfoSlice: SliceCreator<InfoSlice> = (client) => (set, get) => {
  /** Runs a write for the current session; errors come back as a value for the dialog to show. */
  const write = async (label: string, run: (session: string) => Promise<unknown>): Promise<ViewError | null> => {
    const session = get().session?.session;
    if (!session) return toViewError({ code: 'unknown-session', message: 'No store is open.' });
    try {
      await get().track(label, () => run(session));
      await get().refreshInfo();
      return null;
    } catch (e) {
      return toViewError(e);
    }
  };
  return {
    info: null,
    infoError: null,
    revision: 0,
    async refreshInfo() {
      const session = get().session?.session;
      if (!session) return;
      try {
        get().applyInfo(await client.info({ session }));
      } catch (e) {
        set({ infoError: toViewError(e) });
      }
    },
    applyInfo(info) {
      set((s) => ({ info, infoError: null, revision: s.revision + 1 }));
    },
    createSnapshot: (name) => write(`create snapshot '${name}'`, (session) => client.snapshotCreate({ session, name })),
    renameSnapshot: (snapshot, name) => write(`rename snapshot ${snapshot} to '${name}'`, (session) => client.snapshotRename({ session, snapshot, name })),
    deleteSnapshot: (snapshot, label) => write(`delete snapshot ${label}`, (session) => client.snapshotDelete({ session, snapshot })),
  };
};
