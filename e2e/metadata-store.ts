import fs from 'node:fs';
import path from 'node:path';
import { buildShared } from '../src-core/ir/shared-builder.ts';
import { PersistentStore } from '../src-core/persistent/index.ts';
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
export function writeMetadataStore(cow: string, chunkCount: number, names: readonly string[], firstCreated: number, exceptions: ExceptionSource, chunkBytes = CHUNK_BYTES): void {
  fs.writeFileSync(cow, '');
  fs.truncateSync(cow, chunkCount * chunkBytes);
  const device = FileDevice.open(cow, { write: true });
  try {
    buildShared(
      device,
      {
        format: 'shared',
        chunkBytes,
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

/** The chunk size of the merge stores: 64 KiB, so a merge of 512 MiB–1 GiB is a few thousand chunks. */
export const MERGE_CHUNK_BYTES = 64 << 10;
/** Free chunks a merge store has past its data, beyond the copies its merge makes for the other snapshot. */
const MERGE_ROOM = 4096;

export interface MergeStore {
  /** The two snapshots, by slot. */
  names: readonly [string, string];
  /** The slot to merge; it holds copies of origin chunks 0 to chunks - 1. */
  merged: 0 | 1;
  chunks: number;
  /** The first `only` of them are the merged snapshot's alone; the other snapshot shares the rest, so merging copies those `only` for it first. */
  only: number;
  /** 'data': copy o holds the byte (o % 250) + 1 throughout; 'holes': metadata only, the data chunks never written. */
  data: 'data' | 'holes';
  /** Origin chunks from 0 that hold 0x5a (a merge that wrote one would change the origin's hash); the rest are holes. */
  originMarked: number;
}

/**
 * A shared store for the merge specs in `dir` (shared.cow and origin.img, a `chunks`-chunk origin),
 * laid out by writeMetadataStore; with 'data', each copy then written where the tree says it is.
 */
export function writeMergeStore(dir: string, m: MergeStore): { cow: string; origin: string } {
  const cow = path.join(dir, 'shared.cow');
  const origin = path.join(dir, 'origin.img');
  const alone = 1 << m.merged;
  writeMetadataStore(
    cow,
    FIRST_DATA + m.chunks + m.only + MERGE_ROOM,
    m.names,
    1_704_067_200,
    {
      forEach: (visit) => {
        for (let o = 0; o < m.chunks; o++) visit(o, FIRST_DATA + o, o < m.only ? alone : 0x3, 0);
      },
    },
    MERGE_CHUNK_BYTES,
  );
  if (m.data === 'data') {
    const dev = FileDevice.open(cow, { write: true });
    try {
      for (let o = 0; o < m.chunks; o++) dev.write((FIRST_DATA + o) * MERGE_CHUNK_BYTES, new Uint8Array(MERGE_CHUNK_BYTES).fill((o % 250) + 1));
    } finally {
      dev.close();
    }
  }
  fs.writeFileSync(origin, Buffer.alloc(m.originMarked * MERGE_CHUNK_BYTES, 0x5a));
  fs.truncateSync(origin, m.chunks * MERGE_CHUNK_BYTES);
  return { cow, origin };
}

/** An empty persistent COW of 4 MiB (4 KiB chunks) in `dir`, beside an origin of `originBytes` bytes of `fill`. */
export function writePersistentPair(dir: string, originBytes: number, fill: number): { cow: string; origin: string } {
  const cow = path.join(dir, 'p.cow');
  const origin = path.join(dir, 'origin.img');
  fs.writeFileSync(cow, '');
  fs.truncateSync(cow, 4 << 20);
  fs.writeFileSync(origin, Buffer.alloc(originBytes, fill));
  const dev = FileDevice.open(cow, { write: true });
  try {
    PersistentStore.format(dev, { chunkBytes: CHUNK_BYTES }).close();
  } finally {
    dev.close();
  }
  return { cow, origin };
}
