import type { BlockDevice } from './io/block-device.ts';
import type { Task } from './jobs/job.ts';
import type { MergeResult, StoreMergeOptions } from './merge-result.ts';
import type { Occupancy } from './occupancy.ts';

/**
 * What every exception store offers, whatever its on-disk format. The CLI, the main process and
 * the UI work against this; format-specific features (B-tree pages, areas) narrow on `format`.
 */
export type StoreFormat = 'shared' | 'persistent';

export interface SnapshotInfo {
  slot: number;
  name: string;
  uuid: string;
  /** Creation time, unix seconds; null when the store keeps none. */
  created: number | null;
  /** Exceptions this snapshot reads (its bit is set in their share mask). */
  exceptions: number;
  /** ... of which only this snapshot reads. */
  unique: number;
  /** ... of which other snapshots read too. */
  shared: number;
  /** exceptions × chunk bytes. */
  bytes: number;
  /** Origin chunks a repair could not recover for it (0xffffffff: unknown): reads and merges need force. */
  lost?: number;
  /**
   * The store was opened tolerating damage and blocks that may hold this snapshot's exceptions
   * were lost: its counts are what the walk could prove, and reads fail where they cannot be.
   */
  damaged?: boolean;
}

/** What the open's tolerant walk found wrong (check lists every finding). */
export interface StoreDamage {
  errors: number;
  warnings: number;
  /** The first error: what, where (chunk) and its finding kind. */
  first: string;
  /** Persistent table entries rejected as damaged: not counted in `exceptions`, as in the snapshot's count. */
  rejected?: number;
}

export interface StoreUsage {
  totalChunks: number;
  allocatedChunks: number;
  metadataChunks: number;
  dataChunks: number;
  freeChunks: number;
}

/** `dmsetup status` figures, in sectors (persistent store). */
export interface KernelStatus {
  allocatedSectors: number;
  totalSectors: number;
  metadataSectors: number;
}

export interface MergeState {
  slot: number;
  /** Origin chunks already merged / to merge in all, when known. */
  done: number | null;
  total: number | null;
  /** Shared: the record says the merge has not written the origin yet (abandoning it leaves the origin as it was). */
  originUntouched?: boolean;
}

export interface StoreInfo {
  format: StoreFormat;
  device: string;
  deviceBytes: number;
  chunkBytes: number;
  chunkSectors: number;
  chunkCount: number;
  valid: boolean;
  readOnly: boolean;
  version: number;
  /** Live exceptions in the store. */
  exceptions: number;
  usage: StoreUsage;
  kernelStatus: KernelStatus | null;
  snapshots: SnapshotInfo[];
  /** Raw header fields, for display. */
  header: Record<string, string | number | boolean>;
  tree: { levels: number; nodes: number; leaves: number } | null;
  merge: MergeState | null;
  /** Things a user should know ("invalidated by the kernel: read-only"). */
  notes: string[];
  /** Present when the store was opened tolerating damage and the walk found errors: it is read-only. */
  damage?: StoreDamage;
}

export interface OpenOptions {
  /** Open for writing. Default false: everything opens read-only. */
  write?: boolean;
  events?: import('./events.ts').EventSink;
  /** Progress during the open scan (persistent store, large devices). */
  onProgress?: (done: number, total: number) => void;
  /**
   * Open a damaged store read-only instead of failing: info and the snapshot list work, and a
   * read fails only where it needs a block (or table entry) the walk could not vouch for.
   */
  tolerateDamage?: boolean;
  /** Read and merge snapshots a repair marked damaged (forensic recovery; SnapshotInfo.lost). */
  force?: boolean;
}

/** An exception store opened on a COW device. Origin data paths take the origin device. */
export interface ExceptionStore {
  readonly format: StoreFormat;
  readonly cow: BlockDevice;
  readonly chunkBytes: number;
  /** Chunks of the COW device. */
  readonly chunkCount: number;
  readonly readOnly: boolean;
  readonly valid: boolean;
  /** Opened tolerating damage (OpenOptions.tolerateDamage) and damage was found: reads fail where the tree cannot prove a mapping. */
  readonly damaged: boolean;

  info(): StoreInfo;
  snapshots(): SnapshotInfo[];
  /** Slot of a snapshot named by slot number, name or UUID ('snap' for a persistent COW). */
  resolveSnapshot(ref: string): number;
  /** The COW chunk snapshot `slot` reads for origin chunk `origin`, or -1 when it reads the origin. */
  lookup(slot: number, origin: number): number;
  /** Every live exception, in ascending origin order. `slots` is the share mask. */
  forEachException(visit: (origin: number, chunk: number, slots: bigint) => void): void;
  /** Chunks per role in `buckets` equal buckets of [start, end) (the allocation map). */
  occupancy(start: number, end: number, buckets: number): Occupancy;

  /** What merging snapshot `slot` into `origin` would copy, and what it needs (a dry run: reads only). */
  planMerge(origin: BlockDevice, slot: number, opts?: StoreMergeOptions): MergeResult;
  /** Merging snapshot `slot` into `origin`, as a job's task: batch by batch, each one durable. */
  merge(origin: BlockDevice, slot: number, opts?: StoreMergeOptions): Task<MergeResult>;

  /** Copy-on-write then write `data` at byte `offset` of origin chunk `chunk`. */
  writeOrigin(origin: BlockDevice, chunk: number, data: Uint8Array, offset?: number): void;
  /** Write through snapshot `slot`. */
  writeSnapshot(origin: BlockDevice, slot: number, chunk: number, data: Uint8Array, offset?: number): void;
  /** Makes every change so far durable and atomic. */
  commit(): void;
  close(): void;
}
