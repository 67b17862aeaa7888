import type { BlockDevice } from '../io/block-device.ts';
import type { DumpHeader, ExceptionSource } from './model.ts';
import { buildPersistent, layoutPersistent } from './persistent-builder.ts';
import { buildShared, layoutShared, type BuildResult } from './shared-builder.ts';

export interface RestoreOptions {
  /**
   * Where the old contents of what is overwritten are saved (`cow` wraps a BackupDevice writing
   * there). A store already on `cow` that cannot be rebuilt beside (every persistent one) is then
   * marked with this path before its first overwrite, so an interrupted restore is undone at the
   * next open for writing (persistent/restore-intent.ts). Without it, that store's header is
   * cleared first: a crash then leaves no store.
   */
  undo?: string;
}

/**
 * Rewrites the metadata of `cow` from a dump: metadata only, data chunks stay where the dump says.
 * Everything is validated before the first write.
 */
export function restore(cow: BlockDevice, header: DumpHeader, source: ExceptionSource, opts: RestoreOptions = {}): BuildResult {
  return header.format === 'shared' ? buildShared(cow, header, source, opts) : buildPersistent(cow, header, source, opts);
}

/** Throws what `restore` would refuse this content with ('corrupt', 'no-space'); writes nothing. */
export function checkRestorable(header: DumpHeader, source: ExceptionSource): void {
  if (header.format === 'shared') layoutShared(header, source);
  else layoutPersistent(header, source);
}
