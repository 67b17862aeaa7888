import fs from 'node:fs';
import { buildShared } from '../src-core/ir/shared-builder.ts';
import { bitmapChunkCount, FIRST_BITMAP_CHUNK } from '../src-core/shared/format/bitmap.ts';
import type { ExceptionSource } from '../src-core/ir/model.ts';
import { FileDevice } from '../src-main/host/file-device.ts';

/** 4 KiB chunks; data chunks of the generated stores start past the header, bitmap and tree room. */
export const CHUNK_BYTES = 4096;
export const FIRST_DATA = 64;

/** The first data chunk for a store of up to `chunkCount` chunks: FIRST_DATA, or past a bitmap too big for it (10M chunks: 312 bitmap chunks). */
export function firstDataChunk(chunkCount: number): number {
  return Math.max(FIRST_DATA, FIRST_BITMAP_CHUNK + bitmapChunkCount(chunkCount, CHUNK_BYTES) + 8);
}

/**
 * Writes a shared store with only its metadata into a sparse file at `cow`: the toolbox's
 * bottom-up builder (what `snapscope restore` uses) lays out the tree for `exceptions`, data chunks
 * are never written. Snapshot `slot` is named `names[slot]`, created a day after the one before it.
 */
export function writeMetadataStore(cow: string, chunkCount: number, names: readonly string[], firstCreated: number, exceptions: ExceptionSource): void {
  fs.writeFileSync(cow, '');
  fs.truncateSync(cow, chunkCount * CHUNK_BYTES);
  const device = FileDevice.open(cow, { write: true });
  try {
    buildShared(
      device,
      {
        format: 'shared',
        chunkBytes: CHUNK_BYTES,
        chunkCount,
        valid: true,
        version: 1,
        snapmask: (1n << BigInt(names.length)) - 1n,
        snapshots: names.map((name, slot) => ({ slot, name, uuid: `00000000-0000-4000-8000-${String(slot).padStart(12, '0')}`, created: firstCreated + slot * 86_400 })),
      },
      exceptions,
    );
  } finally {
    device.close();
  }
}
