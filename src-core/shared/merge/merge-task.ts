/**
 * Merges snapshot S of a shared store into its origin (docs/format-shared.md § Merge) as a Task.
 * S's exceptions go in ascending origin order, in batches:
 *  1. the origin rule without S: the other snapshots that still read the origin at a batch chunk
 *     get one new exception holding its current data; commit;
 *  2. S's data onto those origin chunks, a piece (one write) per Task step; flush the origin;
 *  3. S's bit cleared from its exceptions (freed when no bit remains) and the merge record
 *     advanced past the batch; commit.
 * With a background flush (`startFlush`), a batch's flush overlaps the next batch's steps 1 and
 * 2, and its step 3 follows them, in steps that wait for the flush a little at a time (a pause
 * lands meanwhile); without one, each batch ends with its step 3. The header records the merge before the first origin
 * write and every step is idempotent, so running the merge again after a crash — or a cancel
 * between steps — finishes it. The last step deletes S.
 */
import { FLUSH_POLL_MS, type FlushWait, type MergeResult } from '../../merge-result.ts';
import { SnapscopeError } from '../../errors.ts';
import type { BlockDevice } from '../../io/block-device.ts';
import type { Task } from '../../jobs/job.ts';
import { BatchClock } from '../../jobs/batch-clock.ts';
import type { Progress } from '../../jobs/progress.ts';
import { toBigMask } from '../mask.ts';
import type { SharedStore } from '../shared-store.ts';
import type { NewException } from '../types.ts';
import { forEachRun, MergeBatch, scanBatch } from './batch.ts';
import { ChunkCopier } from './copier.ts';
import { planSharedMerge, span, type SharedMergeOptions, type SharedMergePlan } from './plan.ts';

const DEFAULT_MAX_IO_BYTES = 8 << 20;
const MIN_TIMED_BATCH_BYTES = 4 << 20;
/** The first batch sized by time: a commit costs about what writing a few MiB does, so smaller first batches leave the disk idle at each boundary. */
const FIRST_TIMED_BATCH_BYTES = 32 << 20;

/** A batch whose data is on the origin, waiting for its flush before step 3. */
interface Flushing {
  from: number;
  end: number;
  count: number;
  /** Its exceptions only S held: the clear frees them. */
  frees: number;
  /** Runs of consecutive origin chunks, as (first, count) pairs, for the merge-clear events. */
  runs: number[];
  wait: FlushWait;
}

/** The merge of snapshot `slot` (or the rest of the one the store records), after the preflight. */
export function createSharedMerge(store: SharedStore, origin: BlockDevice, slot: number, opts: SharedMergeOptions = {}): Task<MergeResult> {
  if (store.readOnly) {
    const why = store.valid ? 'was opened read-only' : 'is marked invalid (valid = 0)';
    throw new SnapscopeError('read-only', `cannot merge: ${store.cow.name} ${why}`, { device: store.cow.name });
  }
  if (origin.readOnly) throw new SnapscopeError('read-only', `cannot merge: the origin ${origin.name} is open read-only`, { device: origin.name });
  return new SharedMerge(store, origin, planSharedMerge(store, origin, slot, opts, true), opts);
}

class SharedMerge implements Task<MergeResult> {
  private readonly slot: number;
  private readonly batch: MergeBatch;
  private readonly copier: ChunkCopier;
  /** Batch items copied onto the origin per step (about one write). */
  private readonly piece: number;
  /** The next batch item to copy onto the origin; -1 between batches. */
  private copied = -1;
  private flushing: Flushing | null = null;
  /** A batch whose flush the next steps wait for, then clear (step 3). */
  private waiting: Flushing | null = null;
  private readonly startFlush: () => FlushWait;
  private readonly overlap: boolean;
  /** Origin chunks merged in all runs, where the record says the merge is, and where the next batch starts. */
  private done: number;
  private cursor: number;
  private next: number;
  private merged = 0;
  private copies = 0;
  private freed = 0;
  private bytes = 0;
  private current = '';
  /** Sizes batches by time when the caller asks (`batchMs`) and fixed no size. */
  private readonly clock: BatchClock | null;
  /**
   * Sizes a batch's copies for the other snapshots by their own time: they are one step (one
   * transaction) that no pause interrupts, and cost several times what the origin writes do per
   * byte, so a batch sized by the two together made a copies step of seconds on a loaded machine.
   */
  private readonly copyClock: BatchClock | null;
  private readonly now: () => number;

  constructor(
    private readonly store: SharedStore,
    private readonly origin: BlockDevice,
    private readonly plan: SharedMergePlan,
    opts: SharedMergeOptions,
  ) {
    this.slot = plan.slot;
    this.done = plan.resumes?.done ?? 0;
    this.cursor = plan.resumes?.cursor ?? 0;
    this.next = this.cursor;
    this.overlap = opts.startFlush !== undefined;
    this.startFlush =
      opts.startFlush ??
      (() => {
        origin.flush();
        return () => true;
      });
    this.batch = new MergeBatch(plan.batchChunks);
    this.now = opts.clock ?? (() => Date.now());
    const byTime = opts.batchMs !== undefined && opts.batchBytes === undefined;
    this.clock = byTime ? new BatchClock(opts.batchMs, FIRST_TIMED_BATCH_BYTES, this.now) : null;
    // Its first step copies the least a batch does: nothing has timed a copy yet.
    this.copyClock = byTime ? new BatchClock(opts.batchMs, MIN_TIMED_BATCH_BYTES, this.now) : null;
    const maxIo = opts.maxIoBytes ?? DEFAULT_MAX_IO_BYTES;
    this.copier = new ChunkCopier(store.chunkBytes, maxIo);
    this.piece = Math.max(1, Math.floor(maxIo / store.chunkBytes));
  }

  step(): boolean {
    const { store, batch } = this;
    if (this.waiting) return this.clearDurable();
    if (this.copied >= 0) {
      this.copyToOrigin();
      return false;
    }
    if (!store.mergeRecord()) {
      store.recordMerge({ slot: this.slot, done: this.done, cursor: this.cursor });
      store.commit();
    }
    this.sizeBatch();
    scanBatch(store, this.slot, this.next, batch);
    if (!batch.count) {
      if (this.flushing) {
        this.waiting = this.flushing;
        this.flushing = null;
        return this.clearDurable();
      }
      store.recordMerge(null);
      store.deleteSnapshot(this.slot);
      store.commit();
      this.current = `snapshot ${this.slot} deleted`;
      return true;
    }
    this.current = `origin ${span(batch.origins[0]!, batch.end - batch.origins[0]!)}`;
    this.copyForOthers();
    this.copied = 0;
    return false;
  }

  progress(): Progress {
    const copied = Math.max(0, this.copied) + (this.flushing?.count ?? 0) + (this.waiting?.count ?? 0);
    return { phase: 'merge', done: this.merged + copied, total: this.plan.chunks, unit: 'chunks', bytes: this.bytes, current: this.current, stages: this.stages(copied) };
  }

  /** Bytes written per kind of work, earlier runs' origin chunks included: copies for the other snapshots, then S's data onto the origin. */
  private stages(copied: number): NonNullable<Progress['stages']> {
    const cb = this.store.chunkBytes;
    const before = this.plan.resumes?.done ?? 0;
    return [
      { name: 'copies for other snapshots', done: this.copies * cb, total: this.plan.copies * cb, unit: 'bytes' },
      { name: 'onto the origin', done: (before + this.merged + copied) * cb, total: (before + this.plan.chunks) * cb, unit: 'bytes' },
    ];
  }

  /** The next batch's size by time: about `batchMs` of work at the throughput so far. */
  private sizeBatch(): void {
    if (!this.clock) return;
    const cb = this.store.chunkBytes;
    this.clock.lap(this.bytes);
    // At least 4 MiB: below that a batch's commits cost more than its copies, and a loaded machine would shrink batches for ever.
    const chunks = (clock: BatchClock): number => Math.max(1, Math.floor(clock.next(Math.max(cb, MIN_TIMED_BATCH_BYTES), this.batch.limit * cb) / cb));
    this.batch.take = chunks(this.clock);
    this.batch.takeCopies = chunks(this.copyClock!);
  }

  result(): MergeResult {
    const cb = this.store.chunkBytes;
    const before = this.plan.resumes ? ` (continuing the merge recorded on disk, ${this.plan.resumes.done} chunks merged before)` : '';
    return {
      dryRun: false,
      slot: this.slot,
      chunks: this.merged,
      bytes: this.bytes,
      copiesForOthers: this.copies,
      freed: this.freed,
      mergedBefore: this.plan.resumes?.done ?? 0,
      summary: [
        `merged snapshot ${this.slot} into ${this.origin.name}: ${this.merged} chunks (${this.merged * cb} bytes) onto the origin${before}`,
        `${this.copies} chunks (${this.copies * cb} bytes) copied from the origin first for the other snapshots that read it; snapshot ${this.slot} deleted`,
      ],
    };
  }

  /** Step 1: one exception per chunk for exactly the snapshots still reading the origin there. */
  private copyForOthers(): void {
    const { store, batch } = this;
    if (!batch.copies) return;
    const items: NewException[] = [];
    for (let k = 0; k < batch.count; k++) {
      if (batch.needsCopy(k)) items.push({ origin: batch.origins[k]!, share: toBigMask(batch.needLo[k]!, batch.needHi[k]!) });
    }
    const origins = items.map((i) => i.origin);
    const started = this.now();
    const chunks = store.addExceptions(items, (to) => {
      this.bytes += this.copier.copy(this.origin, origins, store.cow, to, to.length);
    });
    const events = store.events;
    if (events) items.forEach((item, i) => events({ type: 'merge-origin-copy', origin: item.origin, chunk: chunks[i]!, share: item.share }));
    store.commit();
    this.copyClock?.took(items.length * store.chunkBytes, this.now() - started);
    this.copies += items.length;
  }

  /** Step 2, one piece: S's data onto the origin. After the last piece the flush starts, and the batch before finishes. */
  private copyToOrigin(): void {
    const { batch } = this;
    if (this.store.mergeUntouched()) {
      this.store.mergeWritesOrigin();
      this.store.commit();
    }
    const at = this.copied;
    const n = Math.min(this.piece, batch.count - at);
    const events = this.store.events;
    this.current = `origin ${span(batch.origins[at]!, batch.origins[at + n - 1]! - batch.origins[at]! + 1)}`;
    this.bytes += this.copier.copy(
      this.store.cow,
      batch.sources.subarray(at, at + n),
      this.origin,
      batch.origins.subarray(at, at + n),
      n,
      events && ((k, count) => events({ type: 'merge-copy-to-origin', origin: batch.origins[at + k]!, from: batch.sources[at + k]!, count })),
    );
    this.copied += n;
    if (this.copied < batch.count) return;
    this.copied = -1;
    const runs: number[] = [];
    forEachRun(batch, false, (k, count) => runs.push(batch.origins[k]!, count));
    const flushing: Flushing = { from: this.next, end: batch.end, count: batch.count, frees: batch.frees, runs, wait: this.startFlush() };
    this.next = batch.end;
    this.waiting = this.overlap ? this.flushing : flushing;
    this.flushing = this.overlap ? flushing : null;
    if (this.waiting) this.clearDurable();
  }

  /** Step 3 of the batch waiting for its flush, once the flush is done: waits for it at most FLUSH_POLL_MS a step. */
  private clearDurable(): false {
    const f = this.waiting!;
    if (!f.wait(FLUSH_POLL_MS)) return false;
    this.waiting = null;
    this.clear(f);
    return false;
  }

  /** Step 3, once the batch's data is durable on the origin: S reads it there from now on; the record moves past the batch. */
  private clear(f: Flushing): void {
    const { store } = this;
    store.clearSlot(this.slot, f.from, f.end);
    const events = store.events;
    if (events) for (let i = 0; i < f.runs.length; i += 2) events({ type: 'merge-clear', origin: f.runs[i]!, count: f.runs[i + 1]! });
    this.done += f.count;
    this.merged += f.count;
    this.freed += f.frees;
    this.cursor = f.end;
    store.recordMerge({ slot: this.slot, done: this.done, cursor: this.cursor });
    store.commit();
  }
}
