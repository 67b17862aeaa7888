import fs from 'node:fs';
import { SnapscopeError } from '../../src-core/errors.ts';
import { openStore } from '../../src-core/open.ts';
import type { ExceptionStore, OpenOptions } from '../../src-core/store.ts';
import { FileDevice } from '../host/file-device.ts';
import { assertNotInUse } from '../host/in-use.ts';

/**
 * How commands open files. Readers open read-only and never write; writers first refuse devices
 * someone else uses (a live snapshot written under the kernel's feet is lost), and open block
 * devices O_EXCL so the kernel refuses too.
 */
export function openDevice(path: string, role: 'COW' | 'origin', write: boolean): FileDevice {
  if (!write) return FileDevice.open(path);
  assertNotInUse(path, role);
  return FileDevice.open(path, { write: true, exclusive: isBlockDevice(path) });
}

export function isBlockDevice(path: string): boolean {
  try {
    return fs.statSync(path).isBlockDevice();
  } catch {
    return false;
  }
}

export type DamageOptions = Pick<OpenOptions, 'tolerateDamage' | 'force'>;

/**
 * Runs `fn` on the store in `cowPath`, closing it (and its device) whatever happens. With
 * `tolerateDamage` a damaged store opens read-only instead of failing (info, snapshot list, read);
 * `force` lets snapshots a repair marked damaged be read (OpenOptions).
 */
export async function withStore<T>(cowPath: string, write: boolean, fn: (store: ExceptionStore) => T | Promise<T>, opts: DamageOptions = {}): Promise<T> {
  const dev = openDevice(cowPath, 'COW', write);
  let store: ExceptionStore;
  try {
    store = openStore(dev, { write, ...opts });
  } catch (e) {
    dev.close();
    throw e;
  }
  try {
    return await fn(store);
  } finally {
    store.close();
    dev.close();
  }
}

/**
 * Runs `fn` on a store and its origin. `originWrite` decides, once the store is open, whether the
 * origin is opened for writing. The store closes first: closing it may flush the origin.
 */
export function withVolume<T>(
  originPath: string,
  cowPath: string,
  cowWrite: boolean,
  originWrite: (store: ExceptionStore) => boolean,
  fn: (store: ExceptionStore, origin: FileDevice) => T | Promise<T>,
  opts: DamageOptions = {},
): Promise<T> {
  let origin: FileDevice | null = null;
  return withStore(cowPath, cowWrite, (store) => {
    origin = openDevice(originPath, 'origin', originWrite(store));
    return fn(store, origin);
  }, opts).finally(() => origin?.close());
}

/** Refuses a write through a store opened read-only because it is invalid, with the reason. */
export function requireWritable(store: ExceptionStore): void {
  if (!store.valid) throw new SnapscopeError('read-only', `${store.cow.name} is marked invalid; it opens read-only and cannot be written`, { device: store.cow.name });
}
