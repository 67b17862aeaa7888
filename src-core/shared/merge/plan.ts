/**
 * The shared merge's preflight and dry run: walks snapshot S's exceptions in the engine's own
 * batches, counts what would be copied (onto the origin, and from it for the other snapshots that
 * still read it) and the free COW chunks the merge needs at its peak, and refuses what the merge
 * must refuse. Reads the store only.
 */
import type { FlushWait, MergeResult } from '../../merge-result.ts';
import { SnapscopeError } from '../../errors.ts';
import { SECTOR_BYTES, type BlockDevice } from '../../io/block-device.ts';
import { EXCEPTION_BYTES, LEAF_HEADER_BYTES, type LeafView } from '../format/leaf.ts';
import { nodeCapacity } from '../format/node.ts';
import type { SharedStore } from '../shared-store.ts';
import type { MergeRecord } from '../types.ts';
import { forEachRun, MergeBatch, scanBatch } from './batch.ts';

export interface SharedMergeOptions {
  /**
   * Data moved onto the origin per batch: one commit before its origin writes, one flush and
   * commit after. Default 256 MiB (fewer flushes keep the disk streaming); smaller when the COW
   * has too little room for a batch's shadowed blocks.
   */
  batchBytes?: number;
  /** Largest single read or write. Default 8 MiB. */
  maxIoBytes?: number;
  /**
   * Size batches by time instead: about this many milliseconds of work each (BatchClock), at most
   * the byte-sized batch, so a job pauses and cancels promptly. Ignored when `batchBytes` is given.
   */
  batchMs?: number;
  /** The time source of `batchMs` (tests simulate a disk with it). Default Date.now. */
  clock?: () => number;
  /**
   * Starts making the origin's completed writes durable and returns a function that waits until
   * they are (throwing if that failed). Default: `origin.flush()` at once. A background flush
   * overlaps one batch's write-back with the next batch's copying.
   */
  startFlush?: () => FlushWait;
}

export interface SharedMergePlan {
  slot: number;
  /** The merge recorded on disk that this one continues, or null. */
  resumes: MergeRecord | null;
  /** Origin chunks left to merge: S's exceptions from the cursor on. */
  chunks: number;
  /** Exceptions added first, for other snapshots that still read the origin at those chunks. */
  copies: number;
  /** Exceptions only S reads: freed as their chunks are merged. */
  frees: number;
  /** Data bytes moved: merged chunks onto the origin plus the copies from it. */
  bytes: number;
  /** Free COW chunks the merge needs at its peak, and those free now. */
  spaceNeeded: number;
  freeChunks: number;
  /** Origin chunks per batch, and the batches. */
  batchChunks: number;
  batches: number;
  summary: string[];
}

const DEFAULT_BATCH_BYTES = 256 << 20;
/** Bounds one batch's metadata work (and its arrays) with small chunks. */
const MAX_BATCH_CHUNKS = 1 << 16;
const MIN_BATCH_CHUNKS = 64;

/** Refuses a merge that cannot keep its promises, before anything is read in bulk. */
export function checkMergeable(store: SharedStore, origin: BlockDevice, slot: number): void {
  const cow = store.cow.name;
  if (!store.valid) {
    throw new SnapscopeError('unsupported', `cannot merge: ${cow} is marked invalid (valid = 0), so its snapshots cannot be trusted`, { device: cow, field: 'valid' });
  }
  if (!Number.isInteger(slot) || slot < 0 || slot > 63 || ((store.header().snapmask >> BigInt(slot)) & 1n) === 0n) {
    throw new SnapscopeError('not-found', `cannot merge: no snapshot in slot ${slot}`, { device: cow, field: 'slot' });
  }
  store.checkNoDeleteInProgress(`merge snapshot ${slot}`);
  const rec = store.mergeRecord();
  if (rec && rec.slot !== slot) {
    throw new SnapscopeError(
      'usage',
      `cannot merge snapshot ${slot}: the merge of snapshot ${rec.slot} into the origin is in progress (${rec.done} chunks merged); finish it first (merge --snapshot ${rec.slot})`,
      { device: cow, field: 'merge_slot' },
    );
  }
  if (origin.size < store.chunkBytes || origin.size % SECTOR_BYTES !== 0) {
    throw new SnapscopeError('usage', `the origin ${origin.name} (${origin.size} bytes) must be whole sectors and at least one ${store.chunkBytes}-byte chunk`, { device: origin.name });
  }
}

/**
 * Plans the merge of snapshot `slot` (or the rest of the one recorded); throws what the merge
 * would refuse. When the batches' shadowed blocks do not fit the free space, smaller batches are
 * tried before refusing. With `forMerge` the summary lists no runs, and a fresh merge of the only
 * snapshot of a writable store counts leaves instead of reading each exception (walkAlone): the
 * same figures and refusals, with no per-exception work before the first origin write.
 */
export function planSharedMerge(store: SharedStore, origin: BlockDevice, slot: number, opts: SharedMergeOptions = {}, forMerge = false): SharedMergePlan {
  checkMergeable(store, origin, slot);
  let limit = Math.min(MAX_BATCH_CHUNKS, Math.max(1, Math.floor((opts.batchBytes ?? DEFAULT_BATCH_BYTES) / store.chunkBytes)));
  const alone = forMerge && !store.readOnly && store.mergeRecord() === null && store.header().snapmask === 1n << BigInt(slot);
  for (;;) {
    const plan = alone ? walkAlone(store, origin, slot, limit) : walk(store, origin, slot, limit, !forMerge);
    if (plan.spaceNeeded <= plan.freeChunks) return plan;
    if (limit <= MIN_BATCH_CHUNKS) {
      throw new SnapscopeError(
        'no-space',
        `cannot merge snapshot ${slot}: the other snapshots need ${plan.copies} copies of origin chunks first, and the merge needs up to ${plan.spaceNeeded} free chunks (${plan.spaceNeeded * store.chunkBytes} bytes) of ${store.cow.name}, which has ${plan.freeChunks}`,
        { device: store.cow.name },
      );
    }
    limit = Math.max(MIN_BATCH_CHUNKS, limit >>> 1);
  }
}

/** Adds up the batches of a walk: the figures and the peak of free chunks the merge needs. */
class PlanTally {
  chunks = 0;
  copies = 0;
  frees = 0;
  batches = 0;
  private held = 0;
  private pendingFrees = 0;
  private peak: number;
  private readonly levels: number;
  private readonly perLeaf: number;
  private readonly perNode: number;
  private readonly insertReserve: number;

  constructor(
    private readonly store: SharedStore,
    private readonly origin: BlockDevice,
    private readonly slot: number,
    private readonly limit: number,
  ) {
    const cb = store.chunkBytes;
    this.levels = store.levels + 1; // a merge may add a level
    // Worst case for the tree's growth: every split leaf keeps half its room free.
    this.perLeaf = Math.floor((cb - LEAF_HEADER_BYTES) / 2);
    // A batch's leaves are neighbours; their parents hold at least half a node's entries on average (node merges).
    this.perNode = Math.max(1, nodeCapacity(cb) >>> 1);
    this.insertReserve = 2 + 4 * (this.levels + 3);
    this.peak = this.insertReserve;
  }

  /** One batch of `count` items ending at origin chunk `last`, spread over `leaves` leaves. */
  add(count: number, copies: number, frees: number, leaves: number, last: number): void {
    const { store, origin, levels } = this;
    if ((last + 1) * store.chunkBytes > origin.size) {
      throw new SnapscopeError('usage', `the origin ${origin.name} (${origin.size} bytes) is too small: snapshot ${this.slot} has a copy of origin chunk ${last} (wrong origin?)`, {
        device: origin.name,
        chunk: last,
      });
    }
    this.batches++;
    this.chunks += count;
    this.copies += copies;
    this.frees += frees;
    // Copies and new tree blocks stay; shadowed blocks are held until a commit; a batch's frees
    // become allocatable after its step 3, which comes after the next batch's step 1.
    this.held += copies + (copies ? Math.ceil((copies * EXCEPTION_BYTES) / this.perLeaf) + levels + 1 : 0);
    this.peak = Math.max(this.peak, this.held + leaves + levels * (Math.ceil(leaves / this.perNode) + 2) + this.insertReserve);
    this.held -= this.pendingFrees;
    this.pendingFrees = frees;
  }

  plan(runs: string[], runCount: number): SharedMergePlan {
    const { store, origin, slot, limit, chunks, copies, frees, batches } = this;
    const cb = store.chunkBytes;
    const resumes = store.mergeRecord();
    const peak = Math.max(this.peak, this.held + this.insertReserve); // the last batch's step 3 and the delete of S
    const freeChunks = store.usage().freeChunks;
    const bytes = (chunks + copies) * cb;
    const plan: SharedMergePlan = { slot, resumes, chunks, copies, frees, bytes, spaceNeeded: peak, freeChunks, batchChunks: limit, batches, summary: [] };
    plan.summary = [
      `would merge snapshot ${slot} into ${origin.name}: ${chunks} chunks (${chunks * cb} bytes) from ${store.cow.name} onto the origin, in ${batches} batch${batches === 1 ? '' : 'es'} of up to ${limit} chunks`,
      `first ${copies} chunks (${copies * cb} bytes) are copied from the origin for the other snapshots that still read it`,
      `${frees} exceptions only snapshot ${slot} reads are freed, and snapshot ${slot} is deleted at the end`,
      `space: needs up to ${peak} free chunks (${peak * cb} bytes), ${freeChunks} free`,
      ...(resumes ? [`continues the merge recorded on disk: ${resumes.done} chunks merged, every origin chunk below ${resumes.cursor} done`] : []),
      ...runs,
      ...(runCount > runs.length ? [`... and ${runCount - runs.length} more runs`] : []),
    ];
    return plan;
  }
}

/** Walks S's exceptions in batches of `limit`: the figures, the refusals that do not depend on the batch size, the peak space. */
function walk(store: SharedStore, origin: BlockDevice, slot: number, limit: number, withRuns = true): SharedMergePlan {
  const cb = store.chunkBytes;
  const resumes = store.mergeRecord();
  const batch = new MergeBatch(limit);
  const tally = new PlanTally(store, origin, slot, limit);
  let runCount = 0;
  const runs: string[] = [];
  for (let from = resumes?.cursor ?? 0; ; from = batch.end) {
    scanBatch(store, slot, from, batch);
    if (!batch.count) break;
    for (let k = 0; k < batch.count; k++) {
      if (batch.needsCopy(k) && batch.lists[k]! + 1 > store.maxExceptionsPerOrigin) {
        const c = batch.origins[k]!;
        throw new SnapscopeError(
          'capacity',
          `cannot merge: origin chunk ${c} already has ${batch.lists[k]} copies, the most one ${cb}-byte leaf holds, and the snapshots that read the origin there would need one more`,
          { device: store.cow.name, chunk: c },
        );
      }
    }
    tally.add(batch.count, batch.copies, batch.frees, batch.leaves, batch.origins[batch.count - 1]!);
    if (withRuns) {
      forEachRun(batch, true, (k, n) => {
        if (runCount++ < 10) runs.push(`origin ${span(batch.origins[k]!, n)} <- COW ${span(batch.sources[k]!, n)}`);
      });
    }
  }
  return tally.plan(runs, runCount);
}

/**
 * `walk` for a fresh merge of the only snapshot of a writable store. Such a store opened with no
 * error (a damaged one opens read-only), so every exception's share is S alone (s-share-zero,
 * s-share-outside-snapmask) and no origin has two (s-share-overlap): each exception is one item
 * of S, needing no copy and freed by the merge. The batches are then runs of `limit` exceptions
 * in leaf order, and only a batch's last origin needs a look into its leaf's map.
 */
function walkAlone(store: SharedStore, origin: BlockDevice, slot: number, limit: number): SharedMergePlan {
  const tally = new PlanTally(store, origin, slot, limit);
  let count = 0;
  let leaves = 0;
  let last = 0;
  store.forEachLeafFrom(0, (leaf) => {
    const first = leaf.listStart(0);
    const n = (leaf.size - first) / EXCEPTION_BYTES;
    for (let k = 0; k < n; ) {
      const take = Math.min(n - k, limit - count);
      count += take;
      leaves++;
      k += take;
      last = originHolding(leaf, first + (k - 1) * EXCEPTION_BYTES);
      if (count === limit) {
        tally.add(count, 0, count, leaves, last);
        count = leaves = 0;
      }
    }
  });
  if (count) tally.add(count, 0, count, leaves, last);
  return tally.plan([], 0);
}

/** The origin chunk whose exception list holds the exception at byte `e` of `leaf`. */
function originHolding(leaf: LeafView, e: number): number {
  let lo = 0;
  let hi = leaf.count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (leaf.listStart(mid) <= e) lo = mid;
    else hi = mid - 1;
  }
  return leaf.origin(lo);
}

/** The plan as the API's dry-run result. */
export function planResult(plan: SharedMergePlan): MergeResult {
  const { copies, frees, spaceNeeded, freeChunks, batchChunks, batches } = plan;
  return {
    dryRun: true,
    slot: plan.slot,
    chunks: plan.chunks,
    bytes: plan.bytes,
    summary: plan.summary,
    plan: { copies, frees, spaceNeeded, freeChunks, batchChunks, batches, resumesDone: plan.resumes?.done ?? null },
  };
}

export function span(first: number, count: number): string {
  return count === 1 ? `${first}` : `${first}..${first + count - 1}`;
}
