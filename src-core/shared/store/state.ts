/**
 * The in-memory state of one open shared store: its device, header, allocator, transaction,
 * B-tree, snapshot mask and labels. The modules beside this one apply the store's rules to it;
 * SharedStore is their facade.
 */
import type { EventSink } from '../../events.ts';
import type { BlockDevice } from '../../io/block-device.ts';
import { ListenerGuard } from '../../listener-guard.ts';
import type { BitmapAllocator } from '../alloc/bitmap-allocator.ts';
import { ExceptionTree } from '../btree/tree.ts';
import { firstFreeChunk } from '../format/bitmap.ts';
import { HEADER_BYTES, type SharedHeader } from '../format/header.ts';
import { maxExceptionsPerOrigin } from '../format/leaf.ts';
import { LabelTable } from '../labels.ts';
import { maskHi, maskLo, slotBit, toBigMask } from '../mask.ts';
import { Transaction } from '../txn/transaction.ts';
import { ExceptionCounts } from './counters.ts';

export interface StoreParts {
  cow: BlockDevice;
  header: SharedHeader;
  chunkBytes: number;
  chunkCount: number;
  alloc: BitmapAllocator;
  readOnly: boolean;
  events: EventSink | undefined;
  cacheBytes: number;
}

export class StoreState {
  readonly cow: BlockDevice;
  /** The header as last committed, plus merge and delete fields changed since (see `header()`). */
  readonly hdr: SharedHeader;
  readonly chunkBytes: number;
  readonly chunkCount: number;
  readonly readOnly: boolean;
  readonly valid: boolean;
  readonly events: EventSink | undefined;
  /** Largest exception list one origin chunk may have (29 with 512 B chunks). */
  readonly maxExceptionsPerOrigin: number;
  /** First chunk after the header and bitmap. */
  readonly firstTreeChunk: number;
  readonly alloc: BitmapAllocator;
  readonly tx: Transaction;
  readonly tree: ExceptionTree;
  /** One chunk of scratch space for data copies. */
  readonly scratch: Uint8Array;
  /** The header sector every commit encodes into (reused). */
  readonly headerSector = new Uint8Array(HEADER_BYTES);
  /** Things the caller should tell the user (format: chunk too small for 64 own copies). */
  readonly warnings: string[] = [];
  /** What open found that info reports (invalid store, interrupted delete). */
  readonly notes: string[] = [];
  /** Errors and warnings a tolerant open found (null: the walk found no error). */
  /** `tree`: tree blocks or exceptions were lost, so snapshots' mappings are only partly proven. */
  damage: { errors: number; warnings: number; first: string; tree: boolean } | null = null;
  /** Reads and merges of snapshots a repair marked damaged are allowed (OpenOptions.force). */
  force = false;
  /** Exceptions per slot, kept by every change (info costs O(slots)). */
  readonly counts = new ExceptionCounts();
  snapLo: number;
  snapHi: number;
  labels = new LabelTable();
  labelChain: number[] = [];
  labelsDirty = false;
  /** Origin devices written since the last commit: the commit flushes them. */
  readonly originsWritten = new Set<BlockDevice>();
  closed = false;
  /**
   * Why a commit failed part-way (null: none did). The disk then holds the last commit, while
   * memory is ahead of it with blocks that may not have landed: a later commit (close's) would
   * write a header referencing them, so the store takes no more writes until reopened.
   */
  failedCommit: string | null = null;
  /** While an event listener runs the store refuses calls that walk or change it; what it throws waits for the operation's end. */
  readonly listener: ListenerGuard;

  constructor(p: StoreParts) {
    this.cow = p.cow;
    this.hdr = p.header;
    this.chunkBytes = p.chunkBytes;
    this.chunkCount = p.chunkCount;
    this.valid = p.header.valid;
    this.readOnly = p.readOnly;
    this.listener = new ListenerGuard(p.cow.name);
    const events = p.events && this.listener.sink(p.events);
    this.events = events;
    this.scratch = new Uint8Array(p.chunkBytes);
    this.maxExceptionsPerOrigin = maxExceptionsPerOrigin(p.chunkBytes);
    this.firstTreeChunk = firstFreeChunk(p.chunkCount, p.chunkBytes);
    this.alloc = p.alloc;
    this.tx = new Transaction(
      p.cow,
      p.chunkBytes,
      this.alloc,
      { device: p.cow.name, chunkCount: p.chunkCount, firstTreeChunk: this.firstTreeChunk },
      Math.floor(p.cacheBytes / p.chunkBytes),
      events,
    );
    this.snapLo = maskLo(p.header.snapmask);
    this.snapHi = maskHi(p.header.snapmask);
    this.tx.snapLo = this.snapLo;
    this.tx.snapHi = this.snapHi;
    this.tree = new ExceptionTree(this.tx, p.header.rootChunk, p.header.treeLevel, events);
  }

  /** Operations since the last commit that a crash would lose (see cow-writes.ts: in-place writes wait for them). */
  get uncommitted(): boolean {
    return this.tx.changedSinceCommit || this.labelsDirty;
  }

  isActive(slot: number): boolean {
    return ((slot < 32 ? this.snapLo : this.snapHi) & slotBit(slot)) !== 0;
  }

  /** Sets the snapshot mask; leaves are validated against it from now on. */
  setMask(lo: number, hi: number): void {
    this.snapLo = lo;
    this.snapHi = hi;
    this.tx.snapLo = lo;
    this.tx.snapHi = hi;
  }

  /** The header as the next commit would write it (root, levels, snapmask are in-memory values). */
  header(): SharedHeader {
    return {
      ...this.hdr,
      rootChunk: this.tree.root,
      treeLevel: this.tree.levels,
      snapmask: toBigMask(this.snapLo, this.snapHi),
      labelChunk: this.labelChain[0] ?? 0,
      chunkCount: this.chunkCount,
    };
  }
}
