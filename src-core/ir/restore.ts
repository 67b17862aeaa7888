import type { BlockDevice } from '../io/block-device.ts';
import type { DumpHeader, ExceptionSource } from './model.ts';
import { buildPersistent } from './persistent-builder.ts';
import { buildShared, type BuildResult } from './shared-builder.ts';

/**
 * Rewrites the metadata of `cow` from a dump: metadata only, data chunks stay where the dump says.
 * Wrap `cow` in a BackupDevice to keep what it overwrites.
 */
export function restore(cow: BlockDevice, header: DumpHeader, source: ExceptionSource): BuildResult {
  return header.format === 'shared' ? buildShared(cow, header, source) : buildPersistent(cow, header, source);
}
