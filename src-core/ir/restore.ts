import type { BlockDevice } from '../io/block-device.ts';
import type { DumpHeader, ExceptionSource } from './model.ts';
import { buildPersistent, layoutPersistent } from './persistent-builder.ts';
import { buildShared, layoutShared, type BuildResult } from './shared-builder.ts';

/**
 * Rewrites the metadata of `cow` from a dump: metadata only, data chunks stay where the dump says.
 * Everything is validated before the first write. Wrap `cow` in a BackupDevice to keep what it
 * overwrites.
 */
export function restore(cow: BlockDevice, header: DumpHeader, source: ExceptionSource): BuildResult {
  return header.format === 'shared' ? buildShared(cow, header, source) : buildPersistent(cow, header, source);
}

/** Throws what `restore` would refuse this content with ('corrupt', 'no-space'); writes nothing. */
export function checkRestorable(header: DumpHeader, source: ExceptionSource): void {
  if (header.format === 'shared') layoutShared(header, source);
  else layoutPersistent(header, source);
}
