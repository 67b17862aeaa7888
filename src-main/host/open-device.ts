import fs from 'node:fs';
import type { BlockDevice } from '../../src-core/io/block-device.ts';
import { FileDevice } from './file-device.ts';
import { HelperDevice, type HelperLauncher } from './helper-device.ts';
import { assertNotInUse } from './in-use.ts';

export interface OpenedDevice {
  dev: BlockDevice;
  viaHelper: boolean;
}

/**
 * Opens a COW or origin. Writers first refuse devices someone else uses (a dm table, holders, a
 * mount, a loop attachment) and open block devices O_EXCL. A block device this user may not open
 * goes through the privileged helper, when one can be launched; anything else opens directly, so
 * no helper is started when it is not needed.
 */
export function openDevice(path: string, role: 'COW' | 'origin', write: boolean, helper: HelperLauncher | null): OpenedDevice {
  if (write) assertNotInUse(path, role);
  const block = isBlockDevice(path);
  if (block && helper && !mayOpen(path, write)) return { dev: HelperDevice.open(helper, path, { write }), viaHelper: true };
  return { dev: FileDevice.open(path, { write, exclusive: write && block }), viaHelper: false };
}

export function isBlockDevice(path: string): boolean {
  try {
    return fs.statSync(path).isBlockDevice();
  } catch {
    return false;
  }
}

function mayOpen(path: string, write: boolean): boolean {
  try {
    fs.accessSync(path, write ? fs.constants.R_OK | fs.constants.W_OK : fs.constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
