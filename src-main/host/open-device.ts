import fs from 'node:fs';
import type { BlockDevice } from '../../src-core/io/block-device.ts';
import { openInput } from './access/inputs.ts';
import type { HelperLauncher } from './helper-device.ts';

export interface OpenedDevice {
  dev: BlockDevice;
  viaHelper: boolean;
  /** What the opener is told at open (OpenedInput.note): no reader's look for a kernel lock is made here. */
  note: string | null;
}

/**
 * Opens a COW or origin for the API, through the access layer (access/inputs.ts): in-use and
 * read-only refusals, O_EXCL and the exclusive lock for writers, a shared lock for readers, and
 * the privileged helper for a block device this user may not open.
 */
export function openDevice(path: string, role: 'COW' | 'origin', write: boolean, helper: HelperLauncher | null): OpenedDevice {
  const { dev, viaHelper, note } = openInput(path, role, write, helper);
  return { dev, viaHelper, note };
}

export function isBlockDevice(path: string): boolean {
  try {
    return fs.statSync(path).isBlockDevice();
  } catch {
    return false;
  }
}
