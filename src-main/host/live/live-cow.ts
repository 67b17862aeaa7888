import fs from 'node:fs';
import { THIS_HOST } from '../../../src-core/api/dto.ts';
import { SnapscopeError } from '../../../src-core/errors.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { openRecordedReader } from '../access/inputs.ts';
import type { HostConfig } from '../context.ts';
import { HelperDevice, type HelperLauncher } from '../helper-device.ts';
import { mayOpen } from '../may-open.ts';
import { storeIdentity, type StoreIdentity } from '../store-identity.ts';
import { DirectDevice } from './direct-device.ts';
import { sshLauncher } from './remote.ts';

export { THIS_HOST };

/** The helper that reads a live COW on `host`: this host's privileged helper, or the remote host's. */
export function liveHelper(config: HostConfig, host: string): HelperLauncher | null {
  return host === THIS_HOST ? config.helper.launcher : liveLauncher(config, host);
}

/** How the helper of `host` is reached: through ssh, unless the configuration names another way (the live suite's guest). */
export function liveLauncher(config: HostConfig, host: string): HelperLauncher {
  return config.liveLaunchers?.[host] ?? sshLauncher(host);
}

/**
 * A live COW (one the kernel writes) opened to be read: O_DIRECT, so every read sees the disk and
 * not pages cached before the kernel's last commit; directly when this user may read the node,
 * else through `helper` (this host's privileged helper, or the other host's helper). Never
 * for writing, never locked (the kernel holds it); on this host, recorded as a reader as
 * openInput's readers are (access/inputs.ts).
 */
export function openLiveCow(path: string, host: string, helper: HelperLauncher | null, note: string | null = null): { dev: BlockDevice; viaHelper: boolean } {
  if (host !== THIS_HOST) return { dev: HelperDevice.open(helper!, path, { direct: true }), viaHelper: true };
  if (!fs.existsSync(path)) throw new SnapscopeError('not-found', `${path}: no such file or device`, { device: path });
  if (mayOpen(path)) return { dev: openRecordedReader(path, () => DirectDevice.open(path)), viaHelper: false };
  if (!helper) throw new SnapscopeError('io', `${path}: permission denied, and there is no privileged helper to read it${note ? ` (${note})` : ''}`, { device: path });
  return { dev: openRecordedReader(path, () => HelperDevice.open(helper, path, { direct: true })), viaHelper: true };
}

/** What names a live COW as one store: its identity here, or the host and path there (its identity is not ours to see). */
export function liveStoreIdentity(cow: string, host: string): StoreIdentity | null {
  return host === THIS_HOST ? storeIdentity(cow) : { key: `live ${host} ${cow}`, target: null };
}
