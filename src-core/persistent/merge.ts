/**
 * Offline snapshot merge in the kernel's order (dm-snap.c snapshot_merge_next_chunks with
 * persistent_prepare_merge / persistent_commit_merge): from the last exception backwards, take a
 * run of entries whose old and new chunks are both consecutive (never across an area), copy it
 * COW -> origin in one read and one write, flush the origin, then clear the run's entries (a
 * suffix of the table) and rewrite their area. Several runs may be copied before one flush; their
 * entries are cleared only after that flush, so the COW is a loadable, partly merged store at
 * every moment and re-running the merge after a crash finishes it. With a background flush
 * (`startFlush`), a batch's flush overlaps the copy of the next batch (entries further down the
 * table, still in it), and its entries are cleared once that copy is queued and the flush is done,
 * in steps that wait for the flush a little at a time (a pause lands meanwhile).
 */
import { FLUSH_POLL_MS, type FlushWait, type MergeResult } from '../merge-result.ts';
import { SnapscopeError } from '../errors.ts';
import type { EventSink } from '../events.ts';
import { SECTOR_BYTES, type BlockDevice } from '../io/block-device.ts';
import type { Task } from '../jobs/job.ts';
import { BatchClock } from '../jobs/batch-clock.ts';
import type { Progress } from '../jobs/progress.ts';
import type { ExceptionTable } from './exception-table.ts';
import { ENTRY_BYTES } from './format.ts';
import type { PersistentStore } from './persistent-store.ts';

export interface MergeOptions {
  events?: EventSink;
  /** Data bytes copied between two flush + commit points. Default 32 MiB. */
  batchBytes?: number;
  /** Size batches by time instead: about this many milliseconds each (BatchClock), at most `batchBytes` when given, else 1 GiB. */
  batchMs?: number;
  /** Largest single read/write; a longer run is copied in pieces of this size. Default 8 MiB. */
  maxIoBytes?: number;
  /** Starts making the origin's writes so far durable; the function it returns waits until they are (default: `origin.flush()` in line). */
  startFlush?: () => FlushWait;
}

/** One run: `count` chunks from COW chunk `newChunk` to origin chunk `oldChunk`; entries [entry, entry + count). */
export interface MergeRun {
  entry: number;
  oldChunk: number;
  newChunk: number;
  count: number;
}

export interface MergePlan {
  /** In merge order (last exception first). */
  runs: MergeRun[];
  chunks: number;
  bytes: number;
  summary: string[];
}

const DEFAULT_BATCH_BYTES = 32 << 20;
/**
 * The most a batch sized by time copies when no size is given: time bounds it. A batch's commit
 * flushes the COW up to chunk-sectors + 1 times (about 20 ms here), so a fast disk needs large
 * batches: 32 MiB ones spent a third of a 1 GiB merge in the COW's flushes.
 */
const MAX_TIMED_BATCH_BYTES = 1 << 30;
/** The first batch sized by time: the clock doubles it from there while batches stay short. */
const FIRST_TIMED_BATCH_BYTES = 8 << 20;
const DEFAULT_MAX_IO_BYTES = 8 << 20;
/** About the longest a step copies (a piece is also at most maxIoBytes). */
const PIECE_MS = 50;

/** persistent_prepare_merge(): the run that ends at entry `cursor - 1`, within its area. */
export function prepareRun(table: ExceptionTable, cursor: number, exceptionsPerArea: number): MergeRun {
  const last = cursor - 1;
  const areaStart = last - (last % exceptionsPerArea);
  const old = table.oldChunk;
  const lastOld = old[last]!;
  const lastNew = table.newChunkOf(last);
  let n = 1;
  if (table.inAllocationOrder()) {
    // The allocator hands out one area's chunks in a row: only the old chunks can break the run.
    while (last - n >= areaStart && old[last - n] === lastOld - n) n++;
  } else {
    const news = table.newChunk;
    while (last - n >= areaStart && old[last - n] === lastOld - n && news[last - n] === lastNew - n) n++;
  }
  return { entry: cursor - n, oldChunk: lastOld - n + 1, newChunk: lastNew - n + 1, count: n };
}

/** Refuses a merge the kernel would refuse, or that would lose data. */
export function checkMergeable(store: PersistentStore, origin: BlockDevice): void {
  const cow = store.cow.name;
  if (!store.valid) {
    throw new SnapscopeError('unsupported', `cannot merge ${cow}: the snapshot is invalid (valid = 0); the kernel refuses too ("Snapshot is invalid: can't merge")`, {
      device: cow,
      field: 'valid',
    });
  }
  if (origin.size < store.chunkBytes || origin.size % SECTOR_BYTES !== 0) {
    throw new SnapscopeError(
      'usage',
      `the chunk size (${store.chunkBytes} bytes) does not fit the origin ${origin.name} (${origin.size} bytes): it must be at least one chunk and whole sectors`,
      { device: origin.name },
    );
  }
  const { oldChunk, count } = store.state.table;
  let worst = -1;
  for (let i = 0; i < count; i++) if (worst < 0 || oldChunk[i]! > oldChunk[worst]!) worst = i;
  if (worst >= 0 && oldChunk[worst]! * store.chunkBytes >= origin.size) {
    const needed = (oldChunk[worst]! + 1) * store.chunkBytes;
    throw new SnapscopeError(
      'usage',
      `the origin ${origin.name} (${origin.size} bytes) is too small for the exceptions: entry ${worst} holds origin chunk ${oldChunk[worst]}, which needs ${needed} bytes (wrong origin?)`,
      { device: origin.name, entry: worst, chunk: oldChunk[worst]! },
    );
  }
}

/** Dry run: what a merge would copy, in the kernel's order. Reads nothing, writes nothing. */
export function planPersistentMerge(store: PersistentStore, origin: BlockDevice): MergePlan {
  checkMergeable(store, origin);
  const { table } = store.state;
  const runs: MergeRun[] = [];
  let bytes = 0;
  for (let cursor = table.count; cursor > 0; ) {
    const run = prepareRun(table, cursor, store.geometry.exceptionsPerArea);
    runs.push(run);
    bytes += runBytes(run, store.chunkBytes, origin.size);
    cursor = run.entry;
  }
  const chunks = table.count;
  const summary = [
    `would copy ${chunks} chunks (${bytes} bytes) from ${store.cow.name} to ${origin.name} in ${runs.length} runs`,
    ...runs.slice(0, 10).map(describeRun),
    ...(runs.length > 10 ? [`... and ${runs.length - 10} more runs`] : []),
  ];
  return { runs, chunks, bytes, summary };
}

/** The merge as a Task: a batch of runs copied (a piece a step), flushed, then cleared. Started through PersistentStore.merge, which guards its listener. */
export function createPersistentMerge(store: PersistentStore, origin: BlockDevice, opts: MergeOptions = {}): Task<MergeResult> {
  checkMergeable(store, origin);
  if (store.readOnly) throw new SnapscopeError('read-only', `cannot merge: ${store.cow.name} was opened read-only`, { device: store.cow.name });
  if (origin.readOnly) throw new SnapscopeError('read-only', `cannot merge: the origin ${origin.name} is open read-only`, { device: origin.name });
  return new PersistentMerge(store, origin, opts);
}

/** A batch being copied onto the origin, `order` (its runs ascending) up to `copied`; entries [cursor, end). */
interface Copying {
  runs: MergeRun[];
  order: MergeRun[];
  copied: number;
  cursor: number;
  end: number;
}

/** A batch copied onto the origin whose entries [cursor, end) are cleared once `wait` says its flush is done. */
interface Copied {
  runs: MergeRun[];
  cursor: number;
  end: number;
  wait: FlushWait;
}

class PersistentMerge implements Task<MergeResult> {
  private readonly total: number;
  private readonly batchBytes: number;
  private readonly clock: BatchClock | null;
  private readonly maxIoBytes: number;
  private done = 0;
  private bytes = 0;
  private current = '';
  private buffer = new Uint8Array(0);
  /** Where the next batch ends: the table's end, or below a batch copied but not yet cleared. */
  private cursor: number;
  /** The batch whose flush runs in the background while the next one is copied (startFlush only). */
  private flushing: Copied | null = null;
  /** The batch being copied, a piece a step. */
  private copying: Copying | null = null;
  /** Batches copied whose entries are cleared once their flush is done, oldest first. */
  private readonly waiting: Copied[] = [];

  constructor(
    private readonly store: PersistentStore,
    private readonly origin: BlockDevice,
    private readonly opts: MergeOptions,
  ) {
    this.total = store.state.table.count;
    this.batchBytes = opts.batchBytes ?? (opts.batchMs !== undefined ? MAX_TIMED_BATCH_BYTES : DEFAULT_BATCH_BYTES);
    this.clock = opts.batchMs !== undefined ? new BatchClock(opts.batchMs, FIRST_TIMED_BATCH_BYTES) : null;
    this.maxIoBytes = Math.max(store.chunkBytes, opts.maxIoBytes ?? DEFAULT_MAX_IO_BYTES);
    this.cursor = store.state.table.count;
    store.state.merge = { slot: 0, done: 0, total: this.total };
  }

  step(): boolean {
    if (this.waiting.length) return this.clearDurable();
    if (!this.copying) {
      if (this.cursor === 0) return this.finishedIf(true);
      this.copying = this.nextBatch();
    }
    // One piece of the batch a step, up to maxIoBytes or PIECE_MS: a batch sized by time is a second or
    // more of copies on a loaded machine (runs of one chunk cost a read and a write each), and a pause
    // lands only between steps.
    const c = this.copying;
    const until = Date.now() + PIECE_MS;
    for (let bytes = 0; c.copied < c.order.length && (bytes === 0 || (bytes < this.maxIoBytes && Date.now() < until)); c.copied++) bytes += this.copy(c.order[c.copied]!);
    if (c.copied < c.order.length) return false;
    this.copying = null;
    for (const run of c.runs) this.opts.events?.({ type: 'merge-copy-to-origin', origin: run.oldChunk, from: run.newChunk, count: run.count });
    const batch: Copied = { runs: c.runs, cursor: c.cursor, end: c.end, wait: this.startFlush() };
    if (this.flushing) this.waiting.push(this.flushing);
    this.flushing = null;
    if (this.opts.startFlush && c.cursor > 0) this.flushing = batch;
    else this.waiting.push(batch);
    return false; // the clear, a commit of its own, is the next step
  }

  /** The runs of the next batch, from the table's end (or below the last batch) down, about the batch's size. */
  private nextBatch(): Copying {
    const { table } = this.store.state;
    const epa = this.store.geometry.exceptionsPerArea;
    const end = this.cursor;
    const runs: MergeRun[] = [];
    let cursor = end;
    let copied = 0;
    this.clock?.lap(this.bytes);
    const batchBytes = this.clock ? this.clock.next(this.store.chunkBytes, this.batchBytes) : this.batchBytes;
    while (cursor > 0 && (runs.length === 0 || copied < batchBytes)) {
      const run = prepareRun(table, cursor, epa);
      copied += runBytes(run, this.store.chunkBytes, this.origin.size);
      runs.push(run);
      cursor = run.entry;
    }
    this.cursor = cursor;
    // The table gives runs from its end down; the disk takes a batch's writes faster ascending (1.6–1.9×
    // in a plain write test), and nothing is durable before the flush, so the order within a batch is free.
    return { runs, order: [...runs].sort((a, b) => a.oldChunk - b.oldChunk), copied: 0, cursor, end };
  }

  private startFlush(): FlushWait {
    if (this.opts.startFlush) return this.opts.startFlush();
    this.origin.flush();
    return () => true;
  }

  /** Clears the batches whose flush is done, waiting for each at most FLUSH_POLL_MS; whether the merge has finished. */
  private clearDurable(): boolean {
    for (let next = this.waiting[0]; next; next = this.waiting[0]) {
      if (!next.wait(FLUSH_POLL_MS)) return false;
      this.waiting.shift();
      this.clear(next);
    }
    return this.finishedIf(this.store.state.table.count === 0);
  }

  /** Once `batch`'s data is durable on the origin, clears its entries. */
  private clear(batch: Copied): void {
    this.commit(batch.runs, batch.cursor, batch.end);
    this.done += batch.end - batch.cursor;
    this.store.state.merge = { slot: 0, done: this.done, total: this.total };
  }

  /** The store records no merge (a persistent COW keeps none on disk): it shows one only while this task runs. */
  private finishedIf(finished: boolean): boolean {
    if (finished) this.store.state.merge = null;
    return finished;
  }

  cancelled(): void {
    this.store.state.merge = null;
  }

  progress(): Progress {
    return { phase: 'merge', done: this.done, total: this.total, unit: 'chunks', bytes: this.bytes, current: this.current };
  }

  result(): MergeResult {
    return {
      dryRun: false,
      slot: 0,
      chunks: this.done,
      bytes: this.bytes,
      summary: [`merged ${this.done} chunks (${this.bytes} bytes) from ${this.store.cow.name} into ${this.origin.name}`],
    };
  }

  /** Copies one run COW -> origin, in as few I/Os as maxIoBytes allows (past the page cache where the origin allows); its bytes. */
  private copy(run: MergeRun): number {
    const cb = this.store.chunkBytes;
    const total = runBytes(run, cb, this.origin.size);
    this.current = describeRun(run);
    for (let at = 0; at < total; at += this.maxIoBytes) {
      const n = Math.min(this.maxIoBytes, total - at);
      let piece = this.origin.throughBuffer?.(n) ?? null;
      if (!piece) {
        if (this.buffer.length < n) this.buffer = new Uint8Array(n);
        piece = this.buffer.subarray(0, n);
      }
      this.store.cow.read(run.newChunk * cb + at, piece);
      if (this.origin.writeThrough) this.origin.writeThrough(run.oldChunk * cb + at, piece);
      else this.origin.write(run.oldChunk * cb + at, piece);
    }
    this.bytes += total;
    return total;
  }

  /**
   * persistent_commit_merge() for entries [cursor, end). The table ends at its first zero entry
   * and a disk writes only sectors atomically, so a cleared area written whole and torn could end
   * the table early with merged entries behind the end, in the same area — which the kernel's next
   * exception would bring back (it rewrites the area from memory, stale entries included). So the
   * area holding `cursor` is cleared one sector at a time from its end, each flushed: the first
   * makes it not full, and from then on the kernel reads no later area (and zeroes one before
   * using it), so later areas are zeroed together, in the next write round. At most
   * chunk-sectors + 1 flushes a batch (docs/format-persistent.md § Merge).
   */
  private commit(runs: MergeRun[], cursor: number, end: number): void {
    const s = this.store.state;
    const epa = this.store.geometry.exceptionsPerArea;
    s.table.truncate(cursor);
    const perSector = SECTOR_BYTES / ENTRY_BYTES;
    const area = Math.floor(cursor / epa);
    const later = Math.floor((end - 1) / epa);
    const bottom = Math.floor((cursor % epa) / perSector);
    const top = later > area ? epa / perSector - 1 : Math.floor(((end - 1) % epa) / perSector);
    for (let sector = top; sector >= bottom; sector--) {
      this.store.writeAreaBytes(area, sector * SECTOR_BYTES, (sector + 1) * SECTOR_BYTES);
      if (sector === top - 1) this.zeroAreas(area + 1, later);
      this.store.cow.flush();
    }
    if (bottom === top && later > area) {
      this.zeroAreas(area + 1, later);
      this.store.cow.flush();
    }
    for (const run of runs) this.opts.events?.({ type: 'merge-clear', origin: run.oldChunk, count: run.count });
    // The kernel's current_area is the area of the last run; next_free is what it would be had
    // every exception been committed in order (persistent_commit_merge).
    const last = runs[runs.length - 1]!;
    s.currentArea = Math.floor((last.entry + last.count - 1) / epa);
    s.committed = cursor - s.currentArea * epa;
    s.nextFree = this.store.geometry.areaLocation(s.currentArea) + s.committed + 1;
    s.nextFreeFromMerge = true;
  }

  /** Rewrites areas from..to (inclusive) from the truncated table: all zero. */
  private zeroAreas(from: number, to: number): void {
    for (let a = from; a <= to; a++) this.store.writeArea(a);
  }
}

function runBytes(run: MergeRun, chunkBytes: number, originBytes: number): number {
  return Math.min(run.count * chunkBytes, originBytes - run.oldChunk * chunkBytes);
}

function describeRun(run: MergeRun): string {
  const span = (first: number): string => (run.count === 1 ? `${first}` : `${first}..${first + run.count - 1}`);
  return `origin ${span(run.oldChunk)} <- COW ${span(run.newChunk)} (entries ${run.entry}..${run.entry + run.count - 1})`;
}
