import type { BlockDeviceDto } from '../../../src-core/api/contract.ts';
import type { SliceCreator } from '../../store/types.ts';

/** One remote host's block devices as its helper listed them, or why it could not. */
export interface HostDevices {
  state: 'loading' | 'reachable' | 'unreachable';
  devices: BlockDeviceDto[];
  /** What ssh or the helper said when the host could not be reached. */
  message: string | null;
}

export interface HostDevicesSlice {
  /** By [user@]host: the hosts of the Live view's list, listed on the Start view beside this one. */
  hostDevices: Record<string, HostDevices>;
  refreshHostDevices(host: string): Promise<void>;
}

export const createHostDevicesSlice: SliceCreator<HostDevicesSlice> = (client) => (set, get) => ({
  hostDevices: {},
  async refreshHostDevices(host) {
    const put = (h: HostDevices) => set({ hostDevices: { ...get().hostDevices, [host]: h } });
    put({ state: 'loading', devices: get().hostDevices[host]?.devices ?? [], message: null });
    try {
      put({ state: 'reachable', devices: (await client.listDevices({ host })).devices, message: null });
    } catch (e) {
      put({ state: 'unreachable', devices: [], message: e instanceof Error ? e.message : String(e) });
    }
  },
});
