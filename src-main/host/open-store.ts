import { SnapscopeError } from '../../src-core/errors.ts';
import type { BlockDevice } from '../../src-core/io/block-device.ts';
import { detectFormat } from '../../src-core/open.ts';
import { PersistentStore } from '../../src-core/persistent/index.ts';
import type { ExceptionStore, OpenOptions } from '../../src-core/store.ts';

/** The store on `cow`, whatever its format (detected by magic). */
export function openStore(cow: BlockDevice, opts: OpenOptions): ExceptionStore {
  const format = detectFormat(cow);
  if (format === 'persistent') return PersistentStore.open(cow, opts);
  throw new SnapscopeError('unsupported', `${cow.name}: the shared store engine is not in this build yet`, { device: cow.name });
}
