/**
 * The shared exception store: one COW device holding the exceptions of up to 64 snapshots of one
 * origin (docs/format-shared.md). Format codecs live in format/, allocation in alloc/, shadowing
 * and the block cache in txn/, the B-tree in btree/; the snapshot rules in store/, one job a file.
 * This class is their facade: it holds an open store's state and forwards each call. Calls that
 * walk or change the store are refused from inside an event listener, and rethrow what a listener
 * threw during them (listener-guard.ts: ListenerGuard.begin, rethrow).
 */
import type { EventSink } from '../events.ts';
import type { BlockDevice } from '../io/block-device.ts';
import type { Task } from '../jobs/job.ts';
import type { MergeResult, StoreMergeOptions } from '../merge-result.ts';
import type { Occupancy } from '../occupancy.ts';
import type { ExceptionStore, SnapshotInfo, StoreInfo, StoreUsage } from '../store.ts';
import type { SharedHeader } from './format/header.ts';
import type { LeafView } from './format/leaf.ts';
import { createSharedMerge } from './merge/merge-task.ts';
import { planResult, planSharedMerge } from './merge/plan.ts';
import { close, commit } from './store/commit.ts';
import { prepareOriginWrite, writeOrigin, writeSnapshot } from './store/cow-writes.ts';
import { clearSlot, deleteSnapshot } from './store/delete-snapshot.ts';
import { formatStore } from './store/format-store.ts';
import { info, snapshots, usage } from './store/info.ts';
import { chunkRole, forEachException, lookup, occupancy, pathTo, readLeaf, readNode } from './store/inspect.ts';
import { addExceptions, mergeRecord, mergeUntouched, mergeWritesOrigin, recordMerge } from './store/merge-primitives.ts';
import { checkNotDeleting } from './store/guards.ts';
import { openStore } from './store/open-store.ts';
import { createSnapshot, renameSnapshot, resolveSnapshot } from './store/snapshot-slots.ts';
import type { StoreState } from './store/state.ts';
import type * as T from './types.ts';
import { GroupCommit } from './txn/group-commit.ts';
import { verifyStore, type VerifyResult } from './verify.ts';

export { DELETING_FLAG, MAX_ORIGIN_CHUNKS } from './store/limits.ts';

export class SharedStore implements ExceptionStore {
  readonly format = 'shared' as const;
  readonly cow: BlockDevice;
  readonly chunkBytes: number;
  readonly chunkCount: number;
  readonly readOnly: boolean;
  readonly valid: boolean;
  /** Opened tolerating damage, and the walk found errors (ExceptionStore.damaged). */
  readonly damaged: boolean;
  /** Things the caller should tell the user (format: chunk too small for 64 own copies). */
  readonly warnings: string[];
  /** Largest exception list one origin chunk may have (29 with 512 B chunks). */
  readonly maxExceptionsPerOrigin: number;
  /** The structural event sink given at open (the merge emits its own steps into it). */
  readonly events: EventSink | undefined;

  private readonly group = new GroupCommit(() => commit(this.state));

  private constructor(private readonly state: StoreState) {
    this.cow = state.cow;
    this.chunkBytes = state.chunkBytes;
    this.chunkCount = state.chunkCount;
    this.readOnly = state.readOnly;
    this.valid = state.valid;
    this.damaged = state.damage !== null;
    this.warnings = state.warnings;
    this.maxExceptionsPerOrigin = state.maxExceptionsPerOrigin;
    this.events = state.events;
  }

  /** Writes an empty store over `cow` and returns it open for writing (store/format-store.ts). */
  static format(cow: BlockDevice, opts: T.SharedFormatOptions): SharedStore {
    const state = formatStore(cow, opts);
    state.listener.rethrow();
    return new SharedStore(state);
  }

  /** Opens and validates the store on `cow`; a store marked invalid opens read-only (store/open-store.ts). */
  static open(cow: BlockDevice, opts: T.SharedOpenOptions = {}): SharedStore {
    return new SharedStore(openStore(cow, opts));
  }

  // ---- inspection (store/inspect.ts, store/info.ts) ----------------------------------------

  /** The header as the next commit would write it (root, levels, snapmask are in-memory values). */
  header(): SharedHeader {
    return this.state.header();
  }

  get rootChunk(): number {
    return this.state.tree.root;
  }

  /** Index levels above the leaves (the header's tree_level). */
  get levels(): number {
    return this.state.tree.levels;
  }

  /** First chunk after the header and bitmap. */
  get firstDataChunk(): number {
    return this.state.firstTreeChunk;
  }

  /** Decodes (and validates) the node in `chunk`. */
  readNode(chunk: number): T.DecodedNode {
    return readNode(this.state, chunk);
  }

  /** Decodes (and validates) the leaf in `chunk`. */
  readLeaf(chunk: number): T.DecodedLeaf {
    return readLeaf(this.state, chunk);
  }

  /** Chunks from the root to the leaf that holds (or would hold) `origin`. */
  pathTo(origin: number): number[] {
    this.state.listener.begin('pathTo');
    const path = pathTo(this.state, origin);
    this.state.listener.rethrow();
    return path;
  }

  /** What `chunk` holds now. */
  chunkRole(chunk: number): T.SharedChunkRole {
    return chunkRole(this.state, chunk);
  }

  /** Role counts over chunks [start, end) in `buckets` equal buckets (the allocation map). */
  occupancy(start: number, end: number, buckets: number): Occupancy {
    return occupancy(this.state, start, end, buckets);
  }

  usage(): StoreUsage {
    return usage(this.state);
  }

  /**
   * Checks every invariant (tree order, masks, no chunk used twice, every referenced chunk marked);
   * `problems` is empty when sound. `leaked` lists chunks marked used that nothing references (after
   * a crash: harmless, reclaimed by no one yet).
   */
  verify(): VerifyResult {
    this.state.listener.begin('verify');
    return verifyStore(this.state);
  }

  info(): StoreInfo {
    return info(this.state);
  }

  /** Active snapshots with their labels and exception counts (one pass over the leaves). */
  snapshots(): SnapshotInfo[] {
    return snapshots(this.state);
  }

  /** A snapshot named by slot number, name or UUID. */
  resolveSnapshot(ref: string): number {
    return resolveSnapshot(this.state, ref);
  }

  /** The COW chunk snapshot `slot` reads for origin chunk `origin` (the exception whose share has its bit), or -1. */
  lookup(slot: number, origin: number): number {
    this.state.listener.begin('lookup');
    const chunk = lookup(this.state, slot, origin);
    this.state.listener.rethrow();
    return chunk;
  }

  forEachException(visit: (origin: number, chunk: number, slots: bigint) => void): void {
    this.state.listener.begin('forEachException');
    forEachException(this.state, visit);
  }

  // ---- snapshots (store/snapshot-slots.ts, store/delete-snapshot.ts) ------------------------

  /** Takes a slot (the lowest free, or `opts.slot`) and records its label. Durable at the next commit. */
  createSnapshot(opts: T.CreateSnapshotOptions = {}): SnapshotInfo {
    this.state.listener.begin('createSnapshot');
    const created = createSnapshot(this.state, opts);
    this.state.listener.rethrow();
    return created;
  }

  /**
   * Clears the slot's bit in every exception, frees exceptions no snapshot uses any more, merges
   * underfull leaves and nodes, drops levels, frees the slot and its label. Durable at the next commit.
   */
  deleteSnapshot(slot: number): void {
    this.state.listener.begin('deleteSnapshot');
    deleteSnapshot(this.state, slot);
    this.state.listener.rethrow();
  }

  renameSnapshot(slot: number, name: string): void {
    this.state.listener.begin('renameSnapshot');
    renameSnapshot(this.state, slot, name);
    this.state.listener.rethrow();
  }

  // ---- merge primitives (store/merge-primitives.ts; the merge itself: merge/) ---------------

  /** The merge of a snapshot into the origin that the header records (docs/format-shared.md § Merge), or null. */
  /** The merge's preflight as a dry run (merge/plan.ts). */
  planMerge(origin: BlockDevice, slot: number, opts: StoreMergeOptions = {}): MergeResult {
    this.state.listener.begin('planMerge');
    return planResult(planSharedMerge(this, origin, slot, opts));
  }

  /** Merges snapshot `slot` into `origin` (merge/merge-task.ts); its steps go to this store's event sink. */
  merge(origin: BlockDevice, slot: number, opts: StoreMergeOptions = {}): Task<MergeResult> {
    this.state.listener.begin('merge');
    return createSharedMerge(this, origin, slot, opts);
  }

  mergeRecord(): T.MergeRecord | null {
    return mergeRecord(this.state);
  }

  /** Throws while a delete committed part-way is recorded: `what` would read it or drop its record (a merge). */
  checkNoDeleteInProgress(what: string): void {
    checkNotDeleting(this.state, what);
  }

  /** Records the merge in progress, or with null that none is. Durable at the next commit. */
  recordMerge(rec: T.MergeRecord | null): void {
    this.state.listener.begin('recordMerge');
    recordMerge(this.state, rec);
  }

  /** Whether the recorded merge has not written the origin yet: clearing its record then leaves the origin as it was. */
  mergeUntouched(): boolean {
    return mergeUntouched(this.state);
  }

  /** Says in the header that the recorded merge writes the origin from now on; commit before the first origin write. */
  mergeWritesOrigin(): void {
    this.state.listener.begin('mergeWritesOrigin');
    mergeWritesOrigin(this.state);
  }

  /** Visits the leaves that may hold origin chunks ≥ `from`, in key order, until `visit` returns false. A view is valid during its call only. */
  forEachLeafFrom(from: number, visit: (leaf: LeafView) => boolean | void): void {
    this.state.listener.begin('forEachLeafFrom');
    this.state.tree.forEachLeaf(visit, from);
  }

  /**
   * Adds one exception per item, shared by exactly `share`, in a new chunk; returns the chunks in
   * item order. Origins ascend, and no snapshot in `share` may have a copy of its origin already.
   * `fill` writes the chunks' data. Durable at the next commit.
   */
  addExceptions(items: readonly T.NewException[], fill: (chunks: readonly number[]) => void): number[] {
    this.state.listener.begin('addExceptions');
    const chunks = addExceptions(this.state, items, fill);
    this.state.listener.rethrow();
    return chunks;
  }

  /**
   * Clears snapshot `slot`'s bit from the exceptions of origin chunks [from, to), freeing those no
   * snapshot reads any more. Durable at the next commit.
   */
  clearSlot(slot: number, from: number, to: number): void {
    this.state.listener.begin('clearSlot');
    clearSlot(this.state, slot, from, to);
    this.state.listener.rethrow();
  }

  // ---- data paths (store/cow-writes.ts) ----------------------------------------------------

  /**
   * The origin rule without the origin write: when some active snapshots have no exception for
   * `chunk`, adds one shared by exactly those snapshots, copying the origin chunk into it when
   * `origin` is given. Returns whether an exception was added; the origin may be written only
   * after the next commit.
   */
  prepareOriginWrite(chunk: number, origin?: BlockDevice): boolean {
    this.state.listener.begin('prepareOriginWrite');
    const added = prepareOriginWrite(this.state, chunk, origin);
    this.state.listener.rethrow();
    return added;
  }

  /** Copy-on-write, then write `data` at byte `offset` of origin chunk `chunk` (after the protecting commit). */
  writeOrigin(origin: BlockDevice, chunk: number, data: Uint8Array, offset = 0): void {
    this.state.listener.begin('writeOrigin');
    writeOrigin(this.state, origin, chunk, data, offset);
    this.state.listener.rethrow();
  }

  /** Writes through snapshot `slot` into an exception of its own (unsharing first). Durable at the next commit. */
  writeSnapshot(origin: BlockDevice, slot: number, chunk: number, data: Uint8Array, offset = 0): void {
    this.state.listener.begin('writeSnapshot');
    writeSnapshot(this.state, origin, slot, chunk, data, offset);
    this.state.listener.rethrow();
  }

  // ---- durability (store/commit.ts) --------------------------------------------------------

  /** Makes every change so far durable and atomic: blocks, bitmap, then the header sector. */
  commit(): void {
    this.state.listener.begin('commit');
    this.group.commitNow();
    this.state.listener.rethrow();
  }

  /**
   * Group commit (txn/group-commit.ts): asks for a commit, made once `group` requests have gathered
   * (1: now); `onDurable` runs after the commit that covers this request. commit() and close()
   * cover every request made so far.
   */
  requestCommit(group: number, onDurable?: () => void): void {
    this.state.listener.begin('requestCommit');
    this.group.request(group, onDurable);
    this.state.listener.rethrow();
  }

  /** Commits pending changes (when writable) and closes the COW device. */
  close(): void {
    this.state.listener.begin('close');
    close(this.state);
    this.group.durable();
    this.state.listener.rethrow();
  }
}
