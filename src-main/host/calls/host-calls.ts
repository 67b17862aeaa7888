import os from 'node:os';
import { ApiError } from '../../../src-core/api/errors.ts';
import type { HostContext, Handlers } from '../context.ts';
import { createDemoStore } from '../demo-store.ts';
import { listBlockDevices, listImages } from '../device-list.ts';
import { discoverPairs, dmTable } from '../discover.ts';
import { liveLauncher } from '../live/live-cow.ts';
import { listRemoteDevices } from '../live/remote-devices.ts';
import { RecentList } from '../recent.ts';

type HostMethods = 'hello' | 'listDevices' | 'discoverPairs' | 'dmTable' | 'recentStores' | 'createDemo' | 'pickPath';

/** Calls about the machine rather than one store. */
export function hostCalls(ctx: HostContext): Handlers<HostMethods> {
  const { config } = ctx;
  return {
    hello: () => ({
      version: config.version,
      mode: config.mode,
      dataDir: config.dataDir,
      canPickPaths: false,
      helper: { method: (config.helper.launcher?.method as 'pkexec' | 'sudo' | undefined) ?? null, note: config.helper.note },
    }),
    listDevices: ({ dir, host }) => {
      // Another machine's images are not ours to browse: its block devices only.
      if (host !== undefined) return { host, devices: listRemoteDevices(liveLauncher(config, host), host), dir: '', images: [] };
      const d = dir ?? config.dataDir;
      return { devices: listBlockDevices(), dir: d, images: listImages(d === '~' ? os.homedir() : d) };
    },
    discoverPairs: () => discoverPairs(),
    dmTable: ({ session, snapshot, name }) => {
      const s = ctx.session(session);
      const slot = snapshot === undefined ? (s.store.snapshots()[0]?.slot ?? 0) : s.store.resolveSnapshot(String(snapshot));
      return dmTable(s, slot, name);
    },
    recentStores: () => ({ stores: RecentList.in(config.dataDir).list() }),
    createDemo: ({ dir }) => createDemoStore(dir ?? config.dataDir),
    // Only the Electron main process can show a dialog; its IPC adapter answers this call itself.
    pickPath: () => {
      throw new ApiError('unsupported', 'no file dialog here: type a path, or pick from the device and image lists');
    },
  };
}
