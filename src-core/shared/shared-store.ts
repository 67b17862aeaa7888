/**
 * The shared exception store: one COW device holding the exceptions of up to 64 snapshots of one
 * origin (docs/format-shared.md). Format codecs live in format/, allocation in alloc/, shadowing
 * and the block cache in txn/, the B-tree in btree/; this class applies the snapshot rules.
 */
import { SnapscopeError } from '../errors.ts';
import type { EventSink } from '../events.ts';
import type { BlockDevice } from '../io/block-device.ts';
import { SECTOR_BYTES } from '../io/block-device.ts';
import type { ExceptionStore, SnapshotInfo, StoreInfo, StoreUsage } from '../store.ts';
import { BitmapAllocator } from './alloc/bitmap-allocator.ts';
import { ExceptionTree, MAX_LEVELS } from './btree/tree.ts';
import { bitmapChunkCount, FIRST_BITMAP_CHUNK, firstFreeChunk, formatBitmap, testBit } from './format/bitmap.ts';
import {
  decodeHeader,
  encodeHeader,
  HEADER_BYTES,
  NO_MERGE_SLOT,
  SHARED_MAGIC,
  SHARED_VERSION,
  type SharedHeader,
} from './format/header.ts';
import { decodeLabelBlock, encodeLabelBlock, packLabels, type SnapshotLabel } from './format/label.ts';
import { EXCEPTION_BYTES, maxExceptionsPerOrigin, type LeafView } from './format/leaf.ts';
import { checkName, LabelTable, normaliseUuid, randomUuid } from './labels.ts';
import { maskHi, maskLo, popcount32, slotBit, toBigMask } from './mask.ts';
import { countOccupancy } from './occupancy.ts';
import { Transaction } from './txn/transaction.ts';
import type {
  CreateSnapshotOptions,
  DecodedLeaf,
  DecodedNode,
  MergeRecord,
  NewException,
  OccupancyBucket,
  SharedChunkRole,
  SharedFormatOptions,
  SharedOpenOptions,
} from './types.ts';
import { verifyStore, type VerifyResult } from './verify.ts';

const MIN_CHUNK_BYTES = 512;
/** ext_flags: a delete of slot (flags & 63) was committed part-way (a nearly full COW). */
export const DELETING_FLAG = 0x80000000;
const MAX_CHUNK_BYTES = 1 << 20;
const DEFAULT_CACHE_BYTES = 64 << 20;
/** rchunk is 32 bits and snapscope writes base_chunk 0: origins must be below 2^32 chunks. */
export const MAX_ORIGIN_CHUNKS = 2 ** 32;

interface Parts {
  cow: BlockDevice;
  header: SharedHeader;
  chunkBytes: number;
  chunkCount: number;
  bits: Uint8Array;
  readOnly: boolean;
  events: EventSink | undefined;
  cacheBytes: number;
}

export class SharedStore implements ExceptionStore {
  readonly format = 'shared' as const;
  readonly cow: BlockDevice;
  readonly chunkBytes: number;
  readonly chunkCount: number;
  readonly readOnly: boolean;
  readonly valid: boolean;
  /** Things the caller should tell the user (format: chunk too small for 64 own copies). */
  readonly warnings: string[] = [];
  /** Largest exception list one origin chunk may have (29 with 512 B chunks). */
  readonly maxExceptionsPerOrigin: number;

  private readonly hdr: SharedHeader;
  private readonly alloc: BitmapAllocator;
  private readonly tx: Transaction;
  private readonly tree: ExceptionTree;
  /** The structural event sink given at open (the merge emits its own steps into it). */
  readonly events: EventSink | undefined;
  private readonly scratch: Uint8Array;
  private readonly firstTreeChunk: number;
  private snapLo: number;
  private snapHi: number;
  private labels = new LabelTable();
  private labelChain: number[] = [];
  private labelsDirty = false;
  /** An origin write's protecting exception is not committed yet. */
  private originCowPending = false;
  private closed = false;

  private constructor(p: Parts) {
    this.cow = p.cow;
    this.hdr = p.header;
    this.chunkBytes = p.chunkBytes;
    this.chunkCount = p.chunkCount;
    this.valid = p.header.valid;
    this.readOnly = p.readOnly;
    this.events = p.events;
    this.scratch = new Uint8Array(p.chunkBytes);
    this.maxExceptionsPerOrigin = maxExceptionsPerOrigin(p.chunkBytes);
    this.firstTreeChunk = firstFreeChunk(p.chunkCount, p.chunkBytes);
    this.alloc = new BitmapAllocator(p.bits, p.chunkCount, p.chunkBytes, p.cow.name);
    this.tx = new Transaction(
      p.cow,
      p.chunkBytes,
      this.alloc,
      { device: p.cow.name, chunkCount: p.chunkCount, firstTreeChunk: this.firstTreeChunk },
      Math.floor(p.cacheBytes / p.chunkBytes),
      p.events,
    );
    this.snapLo = maskLo(p.header.snapmask);
    this.snapHi = maskHi(p.header.snapmask);
    this.tx.snapLo = this.snapLo;
    this.tx.snapHi = this.snapHi;
    this.tree = new ExceptionTree(this.tx, p.header.rootChunk, p.header.treeLevel, p.events);
  }

  /**
   * Writes an empty store over `cow` (the whole device, chunk size `chunkBytes`) and returns it
   * open for writing. Sector 0 is zeroed first, so a crash during format leaves no store rather
   * than a damaged one.
   */
  static format(cow: BlockDevice, opts: SharedFormatOptions): SharedStore {
    const cb = opts.chunkBytes;
    if (!Number.isInteger(cb) || cb < MIN_CHUNK_BYTES || cb > MAX_CHUNK_BYTES || (cb & (cb - 1)) !== 0) {
      throw new SnapscopeError('usage', `chunk size ${cb} must be a power of two from 512 bytes to 1 MiB`, { field: 'chunk_size' });
    }
    if (cow.readOnly) throw new SnapscopeError('read-only', `${cow.name} is read-only`, { device: cow.name });
    const chunkCount = Math.floor(cow.size / cb);
    const first = firstFreeChunk(chunkCount, cb);
    if (chunkCount < first + 4) {
      throw new SnapscopeError('usage', `${cow.name} (${cow.size} bytes) is too small for a shared store with ${cb}-byte chunks (needs ${(first + 4) * cb} bytes)`, { device: cow.name });
    }
    if (chunkCount >= 2 ** 32) throw new SnapscopeError('capacity', `${cow.name} has ${chunkCount} chunks; at most 2^32 - 1 are supported`, { device: cow.name });
    cow.write(0, new Uint8Array(SECTOR_BYTES));
    cow.flush();
    const header: SharedHeader = {
      magic: SHARED_MAGIC,
      valid: true,
      version: SHARED_VERSION,
      chunkSectors: cb / SECTOR_BYTES,
      rootChunk: 0,
      snapmask: 0n,
      treeLevel: 1,
      extension: true,
      labelChunk: 0,
      generation: 0,
      mergeSlot: NO_MERGE_SLOT,
      mergeDone: 0,
      mergeCursor: 0,
      extFlags: 0,
      chunkCount,
      checksumOk: true,
    };
    const bits = formatBitmap(chunkCount, cb);
    const store = new SharedStore({ cow, header, chunkBytes: cb, chunkCount, bits, readOnly: false, events: opts.events, cacheBytes: opts.cacheBytes ?? DEFAULT_CACHE_BYTES });
    for (let i = 0; i < bitmapChunkCount(chunkCount, cb); i++) store.alloc.dirtyChunks.add(i);
    const leaf = store.tx.newLeaf(0);
    const root = store.tx.newNode();
    root.insert(0, 0, leaf.chunk);
    store.tree.root = root.chunk;
    store.commit();
    const most = store.maxExceptionsPerOrigin;
    if (most < 64) {
      store.warnings.push(
        `with ${cb}-byte chunks one origin chunk can have at most ${most} distinct copies, so 64 snapshots cannot each own a copy of the same chunk (use 2 KiB chunks or larger)`,
      );
    }
    return store;
  }

  /**
   * Opens the store on `cow`. Validates the header (every field), the bitmap's reserved bits, every
   * index node (leaves are validated when first read) and the label chain; any failure is one
   * SnapscopeError naming the field and chunk. A store marked invalid opens read-only.
   */
  static open(cow: BlockDevice, opts: SharedOpenOptions = {}): SharedStore {
    const dev = cow.name;
    if (cow.size < HEADER_BYTES) throw new SnapscopeError('not-a-store', `${dev} (${cow.size} bytes) is too short for a shared store header`, { device: dev, chunk: 0 });
    const sector = new Uint8Array(HEADER_BYTES);
    cow.read(0, sector);
    const h = decodeHeader(sector, dev);
    const bad = (field: string, msg: string, code: 'corrupt' | 'io' = 'corrupt'): never => {
      throw new SnapscopeError(code, `${dev}: ${msg} (chunk 0, field ${field})`, { device: dev, chunk: 0, field });
    };
    if (h.version !== SHARED_VERSION) bad('version', `header version ${h.version} is not ${SHARED_VERSION}`);
    const cs = h.chunkSectors;
    if (cs < 1 || cs > MAX_CHUNK_BYTES / SECTOR_BYTES || (cs & (cs - 1)) !== 0) bad('chunk_size', `chunk size ${cs} sectors is not a power of two from 1 to 2048`);
    const cb = cs * SECTOR_BYTES;
    let chunkCount = Math.floor(cow.size / cb);
    if (h.extension) {
      if (h.chunkCount > chunkCount) bad('chunk_count', `the store has ${h.chunkCount} chunks but the device holds only ${chunkCount} (truncated?)`, 'io');
      chunkCount = h.chunkCount;
    }
    const first = firstFreeChunk(chunkCount, cb);
    if (chunkCount < first + 2) bad('chunk_size', `the device holds ${chunkCount} chunks of ${cb} bytes, too few for a store`, 'io');
    if (h.treeLevel < 1 || h.treeLevel > MAX_LEVELS) bad('tree_level', `tree level ${h.treeLevel} is outside 1..${MAX_LEVELS}`);
    if (h.rootChunk < first || h.rootChunk >= chunkCount) bad('root_tree_chunk', `root chunk ${h.rootChunk} is outside the tree area ${first}..${chunkCount - 1}`);
    if (h.labelChunk !== 0 && (h.labelChunk < first || h.labelChunk >= chunkCount)) bad('label_chunk', `label chunk ${h.labelChunk} is outside ${first}..${chunkCount - 1}`);
    if (h.extension && h.mergeSlot !== NO_MERGE_SLOT && h.mergeSlot > 63) bad('merge_slot', `merge slot ${h.mergeSlot} is not 0..63`);
    if (h.mergeSlot !== NO_MERGE_SLOT && ((h.snapmask >> BigInt(h.mergeSlot)) & 1n) === 0n) bad('merge_slot', `a merge of slot ${h.mergeSlot} is recorded, but that slot holds no snapshot`);
    if (h.mergeCursor > MAX_ORIGIN_CHUNKS) bad('merge_cursor', `merge cursor ${h.mergeCursor} is past the largest origin (2^32 chunks)`);
    if (!h.checksumOk) bad('checksum', 'header checksum does not match its contents');

    const bits = new Uint8Array(bitmapChunkCount(chunkCount, cb) * cb);
    cow.read(FIRST_BITMAP_CHUNK * cb, bits);
    for (let c = 0; c < first; c++) {
      if (!testBit(bits, c)) {
        throw new SnapscopeError('corrupt', `${dev}: bitmap marks reserved chunk ${c} (header or bitmap) free (chunk ${FIRST_BITMAP_CHUNK + Math.floor(c / (cb * 8))}, field bitmap)`, {
          device: dev,
          chunk: FIRST_BITMAP_CHUNK + Math.floor(c / (cb * 8)),
          field: 'bitmap',
        });
      }
    }
    for (let c = chunkCount; c < bits.length * 8; c++) bits[c >>> 3]! |= 1 << (c & 7);
    const notes: string[] = [];
    if (!h.valid) notes.push('the store is marked invalid (valid = 0): opened read-only');
    if ((h.extFlags & DELETING_FLAG) !== 0) {
      notes.push(`snapshot slot ${h.extFlags & 63} was being deleted when the store was last written: its data is incomplete; delete it again to finish`);
    }
    const readOnly = opts.write !== true || !h.valid || cow.readOnly;
    const store = new SharedStore({ cow, header: h, chunkBytes: cb, chunkCount, bits, readOnly, events: opts.events, cacheBytes: opts.cacheBytes ?? DEFAULT_CACHE_BYTES });
    store.notes.push(...notes);
    store.loadStructure();
    return store;
  }

  private readonly notes: string[] = [];

  /** Walks the index nodes (not leaves) to learn node/leaf chunks, and reads the label chain. */
  private loadStructure(): void {
    const roles = this.tx.roles;
    const unmarked = (chunk: number, what: string, path: readonly number[]) => {
      if (!this.alloc.isUsed(chunk)) {
        throw new SnapscopeError('corrupt', `${this.cow.name}: ${what} chunk ${chunk} is in use but the bitmap marks it free (chunk ${chunk}, field bitmap)`, {
          device: this.cow.name,
          chunk,
          field: 'bitmap',
          path,
        });
      }
    };
    this.tree.forEachNode((node, depth, lo, hi) => {
      const path = this.tree.path.slice(0, depth + 1);
      for (let i = 1; i < node.count; i++) {
        const key = node.key(i);
        if (key <= lo || key >= hi) {
          throw new SnapscopeError('corrupt', `${this.cow.name}: B-tree node key ${key} at entry ${i} is outside its parent's range (${lo}, ${hi}) (chunk ${node.chunk}, entry ${i}, field key)`, {
            device: this.cow.name,
            chunk: node.chunk,
            entry: i,
            field: 'key',
            path,
          });
        }
      }
      if (roles.nodes.has(node.chunk) || roles.leaves.has(node.chunk)) {
        throw new SnapscopeError('corrupt', `${this.cow.name}: chunk ${node.chunk} is referenced twice in the B-tree (chunk ${node.chunk})`, { device: this.cow.name, chunk: node.chunk, path });
      }
      unmarked(node.chunk, 'B-tree node', path);
      roles.nodes.add(node.chunk);
      if (depth + 1 !== this.tree.levels) return;
      for (let i = 0; i < node.count; i++) {
        const leaf = node.child(i);
        if (roles.leaves.has(leaf) || roles.nodes.has(leaf)) {
          throw new SnapscopeError('corrupt', `${this.cow.name}: chunk ${leaf} is referenced twice in the B-tree (chunk ${node.chunk}, entry ${i})`, { device: this.cow.name, chunk: node.chunk, entry: i, path });
        }
        unmarked(leaf, 'B-tree leaf', [...path, leaf]);
        roles.leaves.add(leaf);
      }
    });
    const labels: SnapshotLabel[] = [];
    const block = new Uint8Array(this.chunkBytes);
    for (let chunk = this.hdr.labelChunk; chunk !== 0; ) {
      if (chunk < this.firstTreeChunk || chunk >= this.chunkCount || this.labelChain.includes(chunk) || this.labelChain.length > 64) {
        throw new SnapscopeError('corrupt', `${this.cow.name}: label chain points to chunk ${chunk} (chunk ${this.labelChain.at(-1) ?? 0}, field next)`, {
          device: this.cow.name,
          chunk: this.labelChain.at(-1) ?? 0,
          field: this.labelChain.length ? 'next' : 'label_chunk',
        });
      }
      unmarked(chunk, 'label', []);
      this.cow.read(chunk * this.chunkBytes, block);
      const decoded = decodeLabelBlock(block, chunk, this.cow.name);
      labels.push(...decoded.labels);
      this.labelChain.push(chunk);
      roles.labels.add(chunk);
      chunk = decoded.next;
    }
    this.labels = new LabelTable(labels.filter((l) => this.isActive(l.slot)));
  }

  // ---- inspection -------------------------------------------------------------------------

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

  get rootChunk(): number {
    return this.tree.root;
  }

  /** Index levels above the leaves (the header's tree_level). */
  get levels(): number {
    return this.tree.levels;
  }

  /** First chunk after the header and bitmap. */
  get firstDataChunk(): number {
    return this.firstTreeChunk;
  }

  /** Decodes (and validates) the node in `chunk`. */
  readNode(chunk: number): DecodedNode {
    this.checkChunk(chunk);
    const node = this.tx.readNode(chunk, [], 0);
    return { chunk, count: node.count, entries: node.entries() };
  }

  /** Decodes (and validates) the leaf in `chunk`. */
  readLeaf(chunk: number): DecodedLeaf {
    this.checkChunk(chunk);
    const leaf = this.tx.readLeaf(chunk, [], 0);
    const origins: DecodedLeaf['origins'] = [];
    for (let i = 0; i < leaf.count; i++) {
      const exceptions = [];
      for (let e = leaf.listStart(i); e < leaf.listStart(i + 1); e += EXCEPTION_BYTES) {
        exceptions.push({ share: toBigMask(leaf.shareLo(e), leaf.shareHi(e)), chunk: leaf.exceptionChunk(e) });
      }
      origins.push({ origin: leaf.origin(i), rchunk: leaf.rchunk(i), offset: leaf.listStart(i), exceptions });
    }
    return {
      chunk,
      magic: leaf.dv.getUint16(0, true),
      version: leaf.dv.getUint16(2, true),
      count: leaf.count,
      baseChunk: leaf.baseChunk,
      usingMask: toBigMask(leaf.usingLo, leaf.usingHi),
      freeBytes: leaf.freeBytes(),
      origins,
    };
  }

  /** Chunks from the root to the leaf that holds (or would hold) `origin`. */
  pathTo(origin: number): number[] {
    this.tree.probe(origin);
    return this.tree.path.slice(0, this.tree.levels + 1);
  }

  /** What `chunk` holds now. */
  chunkRole(chunk: number): SharedChunkRole {
    this.checkChunk(chunk, 0);
    if (chunk === 0) return 'header';
    if (chunk < this.firstTreeChunk) return 'bitmap';
    const roles = this.tx.roles;
    if (roles.nodes.has(chunk)) return 'node';
    if (roles.leaves.has(chunk)) return 'leaf';
    if (roles.labels.has(chunk)) return 'label';
    if (roles.pendingFree.has(chunk)) return 'pending-free';
    return this.alloc.isUsed(chunk) ? 'exception' : 'free';
  }

  /**
   * Role counts over chunks [start, end) in `buckets` equal buckets (the allocation map). Costs a
   * popcount over the range's bitmap bytes plus one pass over the metadata chunk sets.
   */
  occupancy(start: number, end: number, buckets: number): OccupancyBucket[] {
    const s = Math.max(0, Math.floor(start));
    const e = Math.min(this.chunkCount, Math.floor(end));
    return countOccupancy(this.alloc.bits, this.tx.roles, this.firstTreeChunk, s, e, Math.max(1, Math.floor(buckets)));
  }

  usage(): StoreUsage {
    const roles = this.tx.roles;
    const allocated = this.chunkCount - this.alloc.freeCount;
    const metadata = this.firstTreeChunk + roles.nodes.size + roles.leaves.size + roles.labels.size;
    return {
      totalChunks: this.chunkCount,
      allocatedChunks: allocated,
      metadataChunks: metadata,
      dataChunks: allocated - metadata,
      freeChunks: this.alloc.freeCount,
    };
  }

  /**
   * Checks every invariant (tree order, masks, no chunk used twice, every referenced chunk marked);
   * `problems` is empty when sound. `leaked` lists chunks marked used that nothing references (after
   * a crash: harmless, reclaimed by no one yet).
   */
  verify(): VerifyResult {
    return verifyStore({
      tree: this.tree,
      tx: this.tx,
      alloc: this.alloc,
      chunkCount: this.chunkCount,
      firstTreeChunk: this.firstTreeChunk,
      snapLo: this.snapLo,
      snapHi: this.snapHi,
      labelChain: this.labelChain,
    });
  }

  info(): StoreInfo {
    const snapshots = this.snapshots();
    let exceptions = 0;
    this.tree.forEachLeaf((leaf) => {
      exceptions += (leaf.size - leaf.listStart(0)) / EXCEPTION_BYTES;
    });
    const h = this.header();
    const notes = [...this.notes];
    if (this.readOnly && h.valid) notes.push('opened read-only');
    const merging = snapshots.find((s) => s.slot === h.mergeSlot);
    if (merging) {
      notes.push(
        `a merge of snapshot ${merging.slot} (${merging.name || 'unnamed'}) into the origin is in progress: ${h.mergeDone} chunks merged, ${merging.exceptions} to go; ` +
          'the origin is part rolled back until it ends (run merge again to finish it)',
      );
    }
    return {
      format: 'shared',
      device: this.cow.name,
      deviceBytes: this.cow.size,
      chunkBytes: this.chunkBytes,
      chunkSectors: this.chunkBytes / SECTOR_BYTES,
      chunkCount: this.chunkCount,
      valid: this.valid,
      readOnly: this.readOnly,
      version: h.version,
      exceptions,
      usage: this.usage(),
      kernelStatus: null,
      snapshots,
      header: {
        magic: `0x${h.magic.toString(16)}`,
        valid: h.valid,
        version: h.version,
        chunk_size: h.chunkSectors,
        root_tree_chunk: h.rootChunk,
        snapmask: `0x${h.snapmask.toString(16).padStart(16, '0')}`,
        tree_level: h.treeLevel,
        label_chunk: h.labelChunk,
        generation: h.generation,
        ...(merging ? { merge_slot: h.mergeSlot, merge_done: h.mergeDone, merge_cursor: h.mergeCursor } : {}),
        chunk_count: h.chunkCount,
      },
      tree: { levels: this.tree.levels, nodes: this.tx.roles.nodes.size, leaves: this.tx.roles.leaves.size },
      merge: merging ? { slot: merging.slot, done: h.mergeDone, total: h.mergeDone + merging.exceptions } : null,
      notes,
    };
  }

  /** Active snapshots with their labels and exception counts (one pass over the leaves). */
  snapshots(): SnapshotInfo[] {
    const total = new Float64Array(64);
    const unique = new Float64Array(64);
    this.tree.forEachLeaf((leaf) => {
      for (let e = leaf.listStart(0); e < leaf.size; e += EXCEPTION_BYTES) {
        const lo = leaf.shareLo(e);
        const hi = leaf.shareHi(e);
        const only = popcount32(lo) + popcount32(hi) === 1;
        for (let s = 0; s < 64; s++) {
          if (((s < 32 ? lo : hi) & slotBit(s)) === 0) continue;
          total[s]!++;
          if (only) unique[s]!++;
        }
      }
    });
    const out: SnapshotInfo[] = [];
    for (let slot = 0; slot < 64; slot++) {
      if (!this.isActive(slot)) continue;
      const label = this.labels.get(slot);
      out.push({
        slot,
        name: label?.name ?? '',
        uuid: label?.uuid ?? '',
        created: label && label.created > 0 ? label.created : null,
        exceptions: total[slot]!,
        unique: unique[slot]!,
        shared: total[slot]! - unique[slot]!,
        bytes: total[slot]! * this.chunkBytes,
      });
    }
    return out;
  }

  /** A snapshot named by slot number, name or UUID. */
  resolveSnapshot(ref: string): number {
    const r = ref.trim();
    if (/^[0-9]+$/.test(r)) {
      const slot = Number(r);
      if (slot < 64 && this.isActive(slot)) return slot;
      throw new SnapscopeError('not-found', `no snapshot in slot ${r}`, { field: 'slot' });
    }
    const slot = this.labels.slotOfUuid(r) ?? this.labels.slotOfName(r);
    if (slot === undefined) throw new SnapscopeError('not-found', `no snapshot named ${JSON.stringify(r)} (tried slot, name and UUID)`);
    return slot;
  }

  /** The COW chunk snapshot `slot` reads for origin chunk `origin` (the exception whose share has its bit), or -1. */
  lookup(slot: number, origin: number): number {
    this.checkSlot(slot);
    if (!this.isActive(slot)) throw new SnapscopeError('not-found', `no snapshot in slot ${slot}`, { field: 'slot' });
    if (!(origin >= 0 && origin < MAX_ORIGIN_CHUNKS)) return -1;
    const leaf = this.tree.probe(origin);
    const i = leaf.find(origin);
    if (i < 0) return -1;
    const bit = slotBit(slot);
    const high = slot >= 32;
    const end = leaf.listStart(i + 1);
    for (let e = leaf.listStart(i); e < end; e += EXCEPTION_BYTES) {
      if (((high ? leaf.shareHi(e) : leaf.shareLo(e)) & bit) !== 0) return leaf.exceptionChunk(e);
    }
    return -1;
  }

  forEachException(visit: (origin: number, chunk: number, slots: bigint) => void): void {
    this.tree.forEachLeaf((leaf) => {
      for (let i = 0; i < leaf.count; i++) {
        const origin = leaf.origin(i);
        for (let e = leaf.listStart(i); e < leaf.listStart(i + 1); e += EXCEPTION_BYTES) {
          visit(origin, leaf.exceptionChunk(e), toBigMask(leaf.shareLo(e), leaf.shareHi(e)));
        }
      }
    });
  }

  // ---- snapshots -------------------------------------------------------------------------

  /** Takes a slot (the lowest free, or `opts.slot`) and records its label. Durable at the next commit. */
  createSnapshot(opts: CreateSnapshotOptions = {}): SnapshotInfo {
    this.checkWritable();
    let slot = opts.slot;
    if (slot === undefined) {
      slot = 0;
      while (slot < 64 && this.isActive(slot)) slot++;
      if (slot === 64) throw new SnapscopeError('capacity', 'all 64 snapshot slots are taken', { field: 'snapmask' });
    } else {
      this.checkSlot(slot);
      if (this.isActive(slot)) throw new SnapscopeError('usage', `slot ${slot} already holds a snapshot`, { field: 'slot' });
    }
    let name = opts.name;
    if (name !== undefined) {
      checkName(name);
      if (this.labels.slotOfName(name) !== undefined) throw new SnapscopeError('usage', `a snapshot named ${JSON.stringify(name)} exists already`, { field: 'name' });
    } else {
      name = `snapshot-${slot}`;
      for (let k = 2; this.labels.slotOfName(name) !== undefined; k++) name = `snapshot-${slot}-${k}`;
    }
    let uuid = randomUuid();
    if (opts.uuid !== undefined) {
      uuid = normaliseUuid(opts.uuid);
      if (this.labels.slotOfUuid(uuid) !== undefined) throw new SnapscopeError('usage', `a snapshot with UUID ${uuid} exists already`, { field: 'uuid' });
    }
    const created = opts.created ?? Math.floor(Date.now() / 1000);
    if (slot < 32) this.snapLo = (this.snapLo | slotBit(slot)) >>> 0;
    else this.snapHi = (this.snapHi | slotBit(slot)) >>> 0;
    this.syncMask();
    this.labels.set({ slot, name, uuid, created });
    this.labelsDirty = true;
    this.tx.touch();
    this.events?.({ type: 'snapshot-create', slot, name, uuid });
    return { slot, name, uuid, created, exceptions: 0, unique: 0, shared: 0, bytes: 0 };
  }

  /**
   * Clears the slot's bit in every exception, frees exceptions no snapshot uses any more, merges
   * underfull leaves and nodes, drops levels, frees the slot and its label. Durable at the next commit.
   */
  deleteSnapshot(slot: number): void {
    this.checkWritable();
    this.checkSlot(slot);
    if (!this.isActive(slot)) throw new SnapscopeError('not-found', `no snapshot in slot ${slot}`, { field: 'slot' });
    this.checkNotMerging(`delete snapshot ${slot}`, slot);
    const lo = slot < 32 ? slotBit(slot) : 0;
    const hi = slot < 32 ? 0 : slotBit(slot);
    // The header records the delete in progress at each pause's commit.
    this.clearBitsPausing(lo, hi, 0, Infinity, () => (this.hdr.extFlags = DELETING_FLAG | slot));
    this.hdr.extFlags = 0;
    this.snapLo = (this.snapLo & ~lo) >>> 0;
    this.snapHi = (this.snapHi & ~hi) >>> 0;
    this.syncMask();
    this.labels.delete(slot);
    this.labelsDirty = true;
    this.tx.touch();
    this.tx.trim();
    this.events?.({ type: 'snapshot-delete', slot });
  }

  // ---- merge primitives (the merge itself: merge/) -----------------------------------------

  /** The merge of a snapshot into the origin that the header records (docs/format-shared.md § Merge), or null. */
  mergeRecord(): MergeRecord | null {
    const h = this.hdr;
    return h.mergeSlot === NO_MERGE_SLOT ? null : { slot: h.mergeSlot, done: h.mergeDone, cursor: h.mergeCursor };
  }

  /** Records the merge in progress, or with null that none is. Durable at the next commit. */
  recordMerge(rec: MergeRecord | null): void {
    this.checkWritable();
    if (rec) {
      this.checkSlot(rec.slot);
      if (!this.isActive(rec.slot)) throw new SnapscopeError('not-found', `no snapshot in slot ${rec.slot}`, { field: 'slot' });
    }
    this.hdr.mergeSlot = rec ? rec.slot : NO_MERGE_SLOT;
    this.hdr.mergeDone = rec ? rec.done : 0;
    this.hdr.mergeCursor = rec ? rec.cursor : 0;
    this.tx.touch();
  }

  /** Visits the leaves that may hold origin chunks ≥ `from`, in key order, until `visit` returns false. A view is valid during its call only. */
  forEachLeafFrom(from: number, visit: (leaf: LeafView) => boolean | void): void {
    this.tree.forEachLeaf(visit, from);
  }

  /**
   * Adds one exception per item, shared by exactly `share`, in a new chunk; returns the chunks in
   * item order. Origins ascend, and no snapshot in `share` may have a copy of its origin already.
   * The chunks are allocated before any tree change (so runs of items get runs of chunks) and
   * `fill` writes their data; when it or an insert fails, the chunks not yet in the tree are freed.
   * Durable at the next commit.
   */
  addExceptions(items: readonly NewException[], fill: (chunks: readonly number[]) => void): number[] {
    this.checkWritable();
    let prev = -1;
    for (const { origin, share } of items) {
      this.checkOriginChunk(origin, undefined);
      if (origin <= prev) throw new SnapscopeError('usage', `origin chunks must ascend (${origin} after ${prev})`, { chunk: origin });
      prev = origin;
      const lo = maskLo(share);
      const hi = maskHi(share);
      if ((lo === 0 && hi === 0) || share >> 64n !== 0n || (lo & ~this.snapLo) !== 0 || (hi & ~this.snapHi) !== 0) {
        throw new SnapscopeError('usage', `share mask 0x${share.toString(16)} is empty or names a slot without a snapshot`, { chunk: origin });
      }
      const leaf = this.tree.probe(origin);
      const i = leaf.find(origin);
      const end = i >= 0 ? leaf.listStart(i + 1) : 0;
      for (let e = i >= 0 ? leaf.listStart(i) : 0; e < end; e += EXCEPTION_BYTES) {
        if ((leaf.shareLo(e) & lo) !== 0 || (leaf.shareHi(e) & hi) !== 0) {
          throw new SnapscopeError('usage', `origin chunk ${origin}: a snapshot in 0x${share.toString(16)} already has a copy`, { chunk: origin });
        }
      }
      this.checkListRoom(origin, i >= 0 ? (end - leaf.listStart(i)) / EXCEPTION_BYTES : 0);
    }
    this.reserve(items.length + 2 + 4 * (this.tree.levels + 3));
    const chunks = items.map(() => this.tx.allocate('exception'));
    let added = 0;
    try {
      fill(chunks);
      for (; added < items.length; added++) {
        const { origin, share } = items[added]!;
        this.reserveInsert();
        this.tree.addException(origin, maskLo(share), maskHi(share), chunks[added]!);
        this.tx.trim();
      }
    } catch (e) {
      for (let k = added; k < chunks.length; k++) this.tx.free(chunks[k]!, 'exception');
      throw e;
    }
    return chunks;
  }

  /**
   * Clears snapshot `slot`'s bit from the exceptions of origin chunks [from, to), freeing those no
   * snapshot reads any more. On a nearly full COW it commits part-way (see deleteSnapshot). Durable
   * at the next commit.
   */
  clearSlot(slot: number, from: number, to: number): void {
    this.checkWritable();
    this.checkSlot(slot);
    if (!this.isActive(slot)) throw new SnapscopeError('not-found', `no snapshot in slot ${slot}`, { field: 'slot' });
    this.clearBitsPausing(slot < 32 ? slotBit(slot) : 0, slot < 32 ? 0 : slotBit(slot), from, to, () => {});
    this.tx.trim();
  }

  renameSnapshot(slot: number, name: string): void {
    this.checkWritable();
    this.checkSlot(slot);
    if (!this.isActive(slot)) throw new SnapscopeError('not-found', `no snapshot in slot ${slot}`, { field: 'slot' });
    checkName(name);
    const holder = this.labels.slotOfName(name);
    if (holder !== undefined && holder !== slot) throw new SnapscopeError('usage', `a snapshot named ${JSON.stringify(name)} exists already`, { field: 'name' });
    const old = this.labels.get(slot);
    this.labels.set({ slot, name, uuid: old?.uuid ?? randomUuid(), created: old?.created ?? 0 });
    this.labelsDirty = true;
    this.tx.touch();
    this.events?.({ type: 'snapshot-rename', slot, name });
  }

  // ---- data paths ------------------------------------------------------------------------

  /**
   * The origin rule without the origin write (the kernel's prepare_exception): when some active
   * snapshots have no exception for `chunk`, adds one shared by exactly those snapshots, copying
   * the origin chunk into it when `origin` is given (benchmarks pass none: metadata only). Returns
   * whether an exception was added; the origin may be written only after the next commit.
   */
  prepareOriginWrite(chunk: number, origin?: BlockDevice): boolean {
    this.checkWritable();
    this.checkNotMerging('write the origin');
    this.checkOriginChunk(chunk, origin);
    const activeLo = this.snapLo;
    const activeHi = this.snapHi;
    if (activeLo === 0 && activeHi === 0) return false;
    const leaf = this.tree.probe(chunk);
    const i = leaf.find(chunk);
    let usingLo = 0;
    let usingHi = 0;
    let n = 0;
    if (i >= 0) {
      const end = leaf.listStart(i + 1);
      for (let e = leaf.listStart(i); e < end; e += EXCEPTION_BYTES) {
        usingLo |= leaf.shareLo(e);
        usingHi |= leaf.shareHi(e);
        n++;
      }
    }
    const needLo = (activeLo & ~usingLo) >>> 0;
    const needHi = (activeHi & ~usingHi) >>> 0;
    this.events?.({
      type: 'mask-check',
      rule: 'origin',
      origin: chunk,
      leaf: leaf.chunk,
      using: toBigMask(usingLo, usingHi),
      active: toBigMask(activeLo, activeHi),
      need: toBigMask(needLo, needHi),
    });
    if (needLo === 0 && needHi === 0) return false;
    this.checkListRoom(chunk, n);
    this.reserveInsert();
    const to = this.tx.allocate('exception');
    if (origin) {
      origin.read(chunk * this.chunkBytes, this.scratch);
      this.cow.write(to * this.chunkBytes, this.scratch);
      this.events?.({ type: 'copy-data', from: 'origin', source: chunk, to });
    }
    this.tree.addException(chunk, needLo, needHi, to);
    this.originCowPending = true;
    this.tx.trim();
    return true;
  }

  /** Copy-on-write, then write `data` at byte `offset` of origin chunk `chunk` (after the protecting commit). */
  writeOrigin(origin: BlockDevice, chunk: number, data: Uint8Array, offset = 0): void {
    this.checkSpan(data, offset);
    this.prepareOriginWrite(chunk, origin);
    if (this.originCowPending) this.commit();
    origin.write(chunk * this.chunkBytes + offset, data);
  }

  /**
   * Writes through snapshot `slot`: in place when its exception is its own; otherwise into a new
   * exception for it alone holding its current data (the shared exception, else the origin chunk)
   * with `data` applied, clearing its bit in the shared one. Durable at the next commit.
   */
  writeSnapshot(origin: BlockDevice, slot: number, chunk: number, data: Uint8Array, offset = 0): void {
    this.checkWritable();
    this.checkSlot(slot);
    if (!this.isActive(slot)) throw new SnapscopeError('not-found', `no snapshot in slot ${slot}`, { field: 'slot' });
    this.checkNotMerging(`write snapshot ${slot}`, slot);
    this.checkSpan(data, offset);
    this.checkOriginChunk(chunk, origin);
    const bit = slotBit(slot);
    const high = slot >= 32;
    const leaf = this.tree.probe(chunk);
    const i = leaf.find(chunk);
    let own = -1;
    let ownLo = 0;
    let ownHi = 0;
    let n = 0;
    let usingLo = 0;
    let usingHi = 0;
    if (i >= 0) {
      const end = leaf.listStart(i + 1);
      for (let e = leaf.listStart(i); e < end; e += EXCEPTION_BYTES) {
        n++;
        const lo = leaf.shareLo(e);
        const hi = leaf.shareHi(e);
        usingLo |= lo;
        usingHi |= hi;
        if (((high ? hi : lo) & bit) !== 0) {
          own = leaf.exceptionChunk(e);
          ownLo = lo;
          ownHi = hi;
        }
      }
    }
    const alone = own >= 0 && (high ? ownLo === 0 && ownHi === bit : ownHi === 0 && ownLo === bit);
    this.events?.({
      type: 'mask-check',
      rule: 'snapshot-write',
      slot,
      origin: chunk,
      leaf: leaf.chunk,
      using: toBigMask(usingLo, usingHi),
      active: toBigMask(this.snapLo, this.snapHi),
      need: alone ? 0n : toBigMask(high ? 0 : bit, high ? bit : 0),
    });
    if (alone) {
      // Whole sectors, as a block layer would: a power loss then tears at a sector boundary only.
      const from = Math.floor(offset / SECTOR_BYTES) * SECTOR_BYTES;
      const to = Math.ceil((offset + data.length) / SECTOR_BYTES) * SECTOR_BYTES;
      const span = this.scratch.subarray(from, to);
      this.cow.read(own * this.chunkBytes + from, span);
      span.set(data, offset - from);
      this.cow.write(own * this.chunkBytes + from, span);
      return;
    }
    this.checkListRoom(chunk, n);
    this.reserveInsert();
    const buf = this.scratch;
    if (own >= 0) this.cow.read(own * this.chunkBytes, buf);
    else origin.read(chunk * this.chunkBytes, buf);
    buf.set(data, offset);
    const to = this.tx.allocate('exception');
    this.cow.write(to * this.chunkBytes, buf);
    this.events?.({ type: 'copy-data', from: own >= 0 ? 'cow' : 'origin', source: own >= 0 ? own : chunk, to });
    if (own >= 0) {
      const w = this.tree.shadowPath(chunk);
      const wi = w.find(chunk);
      for (let e = w.listStart(wi); e < w.listStart(wi + 1); e += EXCEPTION_BYTES) {
        if (w.exceptionChunk(e) !== own) continue;
        const lo = high ? ownLo : (ownLo & ~bit) >>> 0;
        const hi = high ? (ownHi & ~bit) >>> 0 : ownHi;
        w.setShare(e, lo, hi);
        this.events?.({ type: 'exception-unshare', origin: chunk, chunk: own, share: toBigMask(lo, hi), leaf: w.chunk });
      }
    }
    this.tree.addException(chunk, high ? 0 : bit, high ? bit : 0, to);
    this.tx.trim();
  }

  /** Makes every change so far durable and atomic: blocks, bitmap, then the header sector. */
  commit(): void {
    this.checkWritable();
    if (!this.tx.dirty && !this.labelsDirty) return;
    if (this.labelsDirty) this.writeLabels();
    this.hdr.generation++;
    this.tx.commit(this.writeHeader);
    this.originCowPending = false;
    this.tx.trim();
    this.events?.({
      type: 'commit',
      root: this.tree.root,
      levels: this.tree.levels,
      snapmask: toBigMask(this.snapLo, this.snapHi),
      generation: this.hdr.generation,
      labelChunk: this.labelChain[0] ?? 0,
    });
  }

  /** The commit point: the in-memory header fields brought up to date and written as one sector (reused: every commit writes it). */
  private readonly headerSector = new Uint8Array(HEADER_BYTES);
  private readonly writeHeader = (): void => {
    const h = this.hdr;
    h.rootChunk = this.tree.root;
    h.treeLevel = this.tree.levels;
    h.snapmask = toBigMask(this.snapLo, this.snapHi);
    h.labelChunk = this.labelChain[0] ?? 0;
    h.chunkCount = this.chunkCount;
    h.extension = true;
    encodeHeader(h, this.headerSector);
    this.cow.write(0, this.headerSector);
  };

  /** Commits pending changes (when writable) and closes the COW device. */
  close(): void {
    if (this.closed) return;
    // A second commit writes the bitmap with the first one's deferred frees, so a clean close leaks nothing.
    for (let k = 0; k < 2 && !this.readOnly && (this.tx.dirty || this.labelsDirty); k++) this.commit();
    this.closed = true;
    this.tx.cache.clear();
    this.cow.close();
  }

  // ---- internals -------------------------------------------------------------------------

  /** Rewrites the label chain into new chunks; the old chain is freed after this commit. */
  private writeLabels(): void {
    for (const chunk of this.labelChain) this.tx.free(chunk, 'label');
    const groups = packLabels(this.labels.all(), this.chunkBytes);
    const chain = groups.map(() => this.tx.allocate('label'));
    const block = new Uint8Array(this.chunkBytes);
    groups.forEach((labels, k) => {
      encodeLabelBlock(labels, chain[k + 1] ?? 0, block);
      this.cow.write(chain[k]! * this.chunkBytes, block);
    });
    this.labelChain = chain;
    this.labelsDirty = false;
  }

  /**
   * Clears lo/hi in origins [from, to). Shadowing needs free chunks: on a nearly full COW the walk
   * pauses, `beforeCommit` records why in the header, a commit frees what the walk released, and
   * the walk resumes.
   */
  private clearBitsPausing(lo: number, hi: number, from: number, to: number, beforeCommit: () => void): void {
    const margin = 4 * (this.tree.levels + 3);
    this.reserve(margin);
    let freed = 0;
    for (let resume = from; ; ) {
      const paused = this.tree.clearBits(
        lo,
        hi,
        (origin, chunk, leaf) => {
          freed++;
          this.tx.free(chunk, 'exception');
          this.events?.({ type: 'exception-free', origin, chunk, leaf });
        },
        resume,
        margin,
        to,
      );
      if (paused === null) return;
      if (freed === 0 && paused === resume) this.reserve(Infinity);
      beforeCommit();
      this.commit();
      freed = 0;
      resume = paused;
    }
  }

  /** While a merge is recorded, writes that would change what it moves, and deleting the merging snapshot, are refused. */
  private checkNotMerging(what: string, slot?: number): void {
    const merging = this.hdr.mergeSlot;
    if (merging === NO_MERGE_SLOT || (slot !== undefined && slot !== merging)) return;
    throw new SnapscopeError('usage', `${this.cow.name}: cannot ${what} while snapshot ${merging} is being merged into the origin; run merge again to finish it first`, {
      device: this.cow.name,
      field: 'merge_slot',
    });
  }

  private isActive(slot: number): boolean {
    return ((slot < 32 ? this.snapLo : this.snapHi) & slotBit(slot)) !== 0;
  }

  private syncMask(): void {
    this.tx.snapLo = this.snapLo;
    this.tx.snapHi = this.snapHi;
  }

  private checkWritable(): void {
    if (this.closed) throw new SnapscopeError('usage', `${this.cow.name}: the store is closed`, { device: this.cow.name });
    if (this.readOnly) {
      const why = this.valid ? 'opened read-only' : 'marked invalid (valid = 0), so read-only';
      throw new SnapscopeError('read-only', `${this.cow.name}: the store is ${why}`, { device: this.cow.name });
    }
  }

  private checkSlot(slot: number): void {
    if (!Number.isInteger(slot) || slot < 0 || slot > 63) throw new SnapscopeError('usage', `snapshot slot ${slot} is not 0..63`, { field: 'slot' });
  }

  private checkChunk(chunk: number, from = this.firstTreeChunk): void {
    if (!Number.isInteger(chunk) || chunk < from || chunk >= this.chunkCount) {
      throw new SnapscopeError('not-found', `chunk ${chunk} is outside ${from}..${this.chunkCount - 1}`, { device: this.cow.name, chunk });
    }
  }

  private checkOriginChunk(chunk: number, origin: BlockDevice | undefined): void {
    if (!Number.isInteger(chunk) || chunk < 0) throw new SnapscopeError('usage', `origin chunk ${chunk} is not a chunk number`, { field: 'chunk' });
    if (chunk >= MAX_ORIGIN_CHUNKS) {
      throw new SnapscopeError('capacity', `origin chunk ${chunk} is at or above 2^32: leaves store origin chunks as 32-bit offsets from base_chunk 0`, { chunk });
    }
    if (origin && (chunk + 1) * this.chunkBytes > origin.size) {
      throw new SnapscopeError('not-found', `origin chunk ${chunk} is past the end of ${origin.name}`, { device: origin.name, chunk });
    }
  }

  private checkSpan(data: Uint8Array, offset: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + data.length > this.chunkBytes) {
      throw new SnapscopeError('usage', `a write of ${data.length} bytes at offset ${offset} does not fit one ${this.chunkBytes}-byte chunk`);
    }
  }

  /** One origin chunk's exception list must fit a leaf: fail before changing anything. */
  private checkListRoom(chunk: number, n: number): void {
    if (n + 1 > this.maxExceptionsPerOrigin) {
      throw new SnapscopeError(
        'capacity',
        `origin chunk ${chunk} already has ${n} distinct copies, the most one ${this.chunkBytes}-byte leaf can hold (${this.maxExceptionsPerOrigin}); the write was refused and the store is unchanged`,
        { chunk },
      );
    }
  }

  /** Free chunks one insert may need at worst: data, the shadowed path, and splits up to a new root. */
  private reserveInsert(): void {
    this.reserve(2 + 4 * (this.tree.levels + 3));
  }

  private reserve(chunks: number): void {
    if (this.alloc.freeCount < chunks) {
      throw new SnapscopeError('no-space', `${this.cow.name} is full (${this.alloc.freeCount} free chunks, the operation may need ${chunks}); the store is unchanged`, { device: this.cow.name });
    }
  }
}
