import type { BlockDevice } from '../io/block-device.ts';
import type { DumpHeader, ExceptionSource } from './model.ts';
import { buildPersistent, layoutPersistent } from './persistent-builder.ts';
import { buildShared, layoutShared, type BuildResult } from './shared-builder.ts';
import type { UndoFile } from '../persistent/restore-intent.ts';
import type { StoreFormat } from '../store.ts';

/** Each format's builder: pass 1 checks and sizes, pass 2 writes. */
const BUILDERS: Record<StoreFormat, { layout(header: DumpHeader, source: ExceptionSource): unknown; build(cow: BlockDevice, header: DumpHeader, source: ExceptionSource, opts: RestoreOptions): BuildResult }> = {
  shared: { layout: layoutShared, build: buildShared },
  persistent: { layout: layoutPersistent, build: buildPersistent },
};

export interface RestoreOptions {
  /**
   * Where the old contents of what is overwritten are saved (`cow` wraps a BackupDevice writing
   * there). A store already on `cow` that cannot be rebuilt beside (every persistent one) is then
   * marked with this file (path and id) before its first overwrite, so an interrupted restore is undone at the
   * next open for writing (persistent/restore-intent.ts). Without it, that store's header is
   * cleared first: a crash then leaves no store.
   */
  undo?: UndoFile;
}

/**
 * Rewrites the metadata of `cow` from a dump: metadata only, data chunks stay where the dump says.
 * Everything is validated before the first write.
 */
export function restore(cow: BlockDevice, header: DumpHeader, source: ExceptionSource, opts: RestoreOptions = {}): BuildResult {
  return BUILDERS[header.format].build(cow, header, source, opts);
}

/** Throws what `restore` would refuse this content with ('corrupt', 'no-space'); writes nothing. */
export function checkRestorable(header: DumpHeader, source: ExceptionSource): void {
  BUILDERS[header.format].layout(header, source);
}
