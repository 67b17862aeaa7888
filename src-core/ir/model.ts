import type { StoreFormat } from '../store.ts';

/**
 * The intermediate form dump writes and restore reads: the whole logical content of a store,
 * nothing physical (no tree blocks, no generation). Spec: docs/check.md § "Dump format".
 */
export interface DumpHeader {
  format: StoreFormat;
  chunkBytes: number;
  /** Chunks of the store (a restore target must hold at least this many). */
  chunkCount: number;
  valid: boolean;
  version: number;
  /** Shared: active snapshot slots (0 for persistent). */
  snapmask: bigint;
  snapshots: DumpSnapshot[];
  /**
   * Shared: the slot whose delete was committed part-way (ext_flags bit 31); absent when none. The
   * snapshot's data is incomplete until it is deleted again, so a restore must keep saying so.
   */
  deleting?: number;
  /** Shared: the merge into the origin in progress (merge record); absent when none. */
  merge?: DumpMerge;
}

/** docs/format-shared.md § Merge record. */
export interface DumpMerge {
  slot: number;
  /** Origin chunks merged so far. */
  done: number;
  /** Every origin chunk below it is merged. */
  cursor: number;
}

export interface DumpSnapshot {
  slot: number;
  name: string;
  uuid: string;
  /** Unix seconds (0 when unknown). */
  created: number;
  /** Origin chunks a repair lost for it (the label's damaged mark); absent when intact. */
  lost?: number;
}

/**
 * Exceptions in dump order: shared stores ascending by origin (each origin's list in on-disk
 * order), persistent stores in table order (a merge depends on it). A persistent exception has
 * share 1 (slot 0). The share is two 32-bit halves so 5M exceptions allocate no BigInt.
 */
export type ExceptionVisitor = (origin: number, chunk: number, lo: number, hi: number) => void;

/** Exceptions that can be read more than once (a builder marks data chunks first, then builds). */
export interface ExceptionSource {
  forEach(visit: ExceptionVisitor): void;
}

/**
 * 2: JSON header keys in camelCase like every other JSON output (`snapscopeDump`, `chunkBytes`,
 * `chunkCount`); 1 had snake_case ones (`snapscope_dump`, `chunk_bytes`, `chunk_count`). XML is the
 * same in both. The reader reads both (docs/check.md § Dump format).
 */
export const DUMP_VERSION = 2;
