/** Plain, serialisable shapes the shared store hands to the UI, the API and the checker. */
import type { EventSink } from '../events.ts';
import type { OpenOptions } from '../store.ts';

/** What a chunk of the COW holds now. 'pending-free' is freed in memory, still marked on disk until the next commit. */
export type SharedChunkRole = 'header' | 'bitmap' | 'label' | 'node' | 'leaf' | 'exception' | 'pending-free' | 'free';

export const SHARED_CHUNK_ROLES: readonly SharedChunkRole[] = ['header', 'bitmap', 'label', 'node', 'leaf', 'exception', 'pending-free', 'free'];

export interface DecodedNode {
  chunk: number;
  count: number;
  /** entries[0].key is not meaningful (the parent bounds child 0). */
  entries: { key: number; chunk: number }[];
}

export interface DecodedException {
  share: bigint;
  chunk: number;
}

export interface DecodedLeaf {
  chunk: number;
  magic: number;
  version: number;
  count: number;
  baseChunk: number;
  usingMask: bigint;
  freeBytes: number;
  origins: { origin: number; rchunk: number; offset: number; exceptions: DecodedException[] }[];
}

/** The header's record of a merge into the origin (docs/format-shared.md § Merge). */
export interface MergeRecord {
  slot: number;
  /** Origin chunks merged so far. */
  done: number;
  /** Every origin chunk below it is merged. */
  cursor: number;
}

/** An exception to add: origin chunk and the snapshots that read it (SharedStore.addExceptions). */
export interface NewException {
  origin: number;
  share: bigint;
}

export interface CreateSnapshotOptions {
  name?: string;
  /** 0..63; default the lowest free slot. */
  slot?: number;
  uuid?: string;
  /** Unix seconds; default now. */
  created?: number;
}

export interface SharedFormatOptions {
  /** Chunk size in bytes: a power of two, 512 B .. 1 MiB. */
  chunkBytes: number;
  events?: EventSink;
  /** Block cache budget in bytes (default 64 MiB; at least 64 blocks). */
  cacheBytes?: number;
}

export interface SharedOpenOptions extends OpenOptions {
  cacheBytes?: number;
}
