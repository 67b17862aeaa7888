import type { BlockDevice } from '../io/block-device.ts';
import type { DumpHeader, ExceptionSource } from './model.ts';
import { buildPersistent, layoutPersistent } from './persistent-builder.ts';
import { buildShared, layoutShared, type BuildResult } from './shared-builder.ts';
import type { StoreFormat } from '../store.ts';

/** Each format's builder: pass 1 checks and sizes, pass 2 writes. */
const BUILDERS: Record<StoreFormat, { layout(header: DumpHeader, source: ExceptionSource): unknown; build(cow: BlockDevice, header: DumpHeader, source: ExceptionSource): BuildResult }> = {
  shared: { layout: layoutShared, build: buildShared },
  persistent: { layout: layoutPersistent, build: buildPersistent },
};

/**
 * Rewrites the metadata of `cow` from a dump: metadata only, data chunks stay where the dump says.
 * Everything is validated before the first write. Wrap `cow` in a BackupDevice to keep what it
 * overwrites.
 */
export function restore(cow: BlockDevice, header: DumpHeader, source: ExceptionSource): BuildResult {
  return BUILDERS[header.format].build(cow, header, source);
}

/** Throws what `restore` would refuse this content with ('corrupt', 'no-space'); writes nothing. */
export function checkRestorable(header: DumpHeader, source: ExceptionSource): void {
  BUILDERS[header.format].layout(header, source);
}
