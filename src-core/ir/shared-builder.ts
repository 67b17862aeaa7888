/**
 * Writes shared-store metadata for a given logical content, bottom-up (the fast way to load a
 * B-tree from sorted input). Pass 1 (`layoutShared`) validates everything and sizes the tree
 * without writing, so a refusal leaves the target untouched and repair can ask the same question
 * at plan time; pass 2 allocates leaves, nodes and labels only from chunks no exception uses.
 * Data chunks are never touched. The header is written last: it is the commit. When the target
 * holds a shared store of the same geometry, the new blocks go only to chunks that store does not
 * use, and the bitmap is written first as old ∪ new, then the header, then the new bitmap: a crash
 * at any point leaves the old store or the new one, each sound (docs/format-shared.md § Crash
 * guarantees). Any other store on the target loses its header first: a crash leaves no store.
 */
import { SnapscopeError } from '../errors.ts';
import { SECTOR_BYTES, type BlockDevice } from '../io/block-device.ts';
import { BitmapAllocator } from '../shared/alloc/bitmap-allocator.ts';
import { MAX_LEVELS } from '../shared/format/node.ts';
import { PagedBitmap } from '../shared/alloc/paged-bitmap.ts';
import { FIRST_BITMAP_CHUNK, firstFreeChunk } from '../shared/format/bitmap.ts';
import { HEADER_BYTES, NO_MERGE_SLOT, SHARED_MAGIC, encodeHeader } from '../shared/format/header.ts';
import { MAX_NAME_BYTES, encodeLabelBlock, nameBytes, packLabels, type SnapshotLabel } from '../shared/format/label.ts';
import { EXCEPTION_BYTES, LEAF_HEADER_BYTES, LeafView, MAP_ENTRY_BYTES, maxExceptionsPerOrigin } from '../shared/format/leaf.ts';
import { NodeView, nodeCapacity } from '../shared/format/node.ts';
import { DELETING_FLAG, MAX_ORIGIN_CHUNKS, sharedChunkSizeProblem } from '../shared/store/limits.ts';
import { maskHi, maskLo } from '../shared/mask.ts';
import { liveSharedStore, releaseStoreHeader } from './live-store.ts';
import type { RestoreOptions } from './restore.ts';
import type { DumpHeader, ExceptionSource } from './model.ts';

export interface BuildResult {
  exceptions: number;
  leaves: number;
  nodes: number;
  levels: number;
  /** Every chunk the build wrote, in write order (header last). */
  written: number;
}

/**
 * What pass 1 learns: a fresh bitmap with every data chunk marked (held only where a chunk is
 * used: at the format's limit a flat one is 512 MiB), and the blocks pass 2 writes.
 */
export interface SharedLayout {
  bits: PagedBitmap;
  exceptions: number;
  leaves: number;
  nodes: number;
  levels: number;
  labelBlocks: SnapshotLabel[][];
}

/** Bitmap bytes written at once. */
const WRITE_BYTES = 1 << 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Greedy left-to-right leaf filling. Both passes use it, so the leaves pass 1 counts are the
 * leaves pass 2 writes.
 */
class LeafFill {
  leaves = 0;
  private room = 0;
  constructor(private readonly chunkBytes: number) {}
  /** Takes an origin with n exceptions; true when it starts a new leaf. */
  add(n: number): boolean {
    const need = MAP_ENTRY_BYTES + n * EXCEPTION_BYTES;
    const fresh = this.leaves === 0 || this.room < need;
    if (fresh) {
      this.leaves++;
      this.room = this.chunkBytes - LEAF_HEADER_BYTES - MAP_ENTRY_BYTES; // header and sentinel
    }
    this.room -= need;
    return fresh;
  }
}

/** Index nodes over `leaves`, `cap` children each, up to one root; at least one level. */
function indexShape(leaves: number, cap: number): { nodes: number; levels: number } {
  let nodes = 0;
  let levels = 0;
  for (let n = leaves; levels === 0 || n > 1; levels++) {
    n = Math.ceil(n / cap);
    nodes += n;
  }
  return { nodes, levels };
}

/**
 * Pass 1: validates the header and every exception (ascending origins below 2^32, chunks in the
 * data area and used once, shares non-empty, within the snapmask and disjoint per origin, each
 * origin's list fitting a leaf) and checks that the tree and labels fit the chunks left free.
 * Throws 'corrupt' for bad input and 'no-space' when the metadata does not fit; writes nothing.
 */
export function layoutShared(h: DumpHeader, source: ExceptionSource): SharedLayout {
  const { chunkBytes: cb, chunkCount } = h;
  const bad = (why: string): never => {
    throw new SnapscopeError('corrupt', `shared store header: ${why}`, {});
  };
  // The engine's limits: a restored or repaired store must open.
  const sizeProblem = sharedChunkSizeProblem(cb);
  if (sizeProblem) bad(`chunk size ${cb} ${sizeProblem}`);
  const firstFree = Number.isSafeInteger(chunkCount) ? firstFreeChunk(chunkCount, cb) : 0;
  if (!Number.isSafeInteger(chunkCount) || chunkCount < firstFree + 2 || chunkCount >= MAX_ORIGIN_CHUNKS) bad(`chunk count ${chunkCount} cannot hold the header, bitmap and a tree, or is 2^32 or more`);
  if (!Number.isSafeInteger(h.version) || h.version < 0 || h.version > 0xffffffff) bad(`version ${h.version} is not a 32-bit number`);
  const active = (slot: number): boolean => Number.isInteger(slot) && slot >= 0 && slot < 64 && ((h.snapmask >> BigInt(slot)) & 1n) === 1n;
  const slots = new Set<number>();
  for (const s of h.snapshots) {
    if (!active(s.slot) || slots.has(s.slot)) bad(`snapshot slot ${s.slot} is not in the snapmask, or has two labels`);
    slots.add(s.slot);
    if (nameBytes(s.name).length > MAX_NAME_BYTES) bad(`snapshot slot ${s.slot}: the name is longer than ${MAX_NAME_BYTES} bytes`);
    if (!UUID.test(s.uuid)) bad(`snapshot slot ${s.slot}: ${JSON.stringify(s.uuid)} is not a lower-case UUID`);
    if (!Number.isSafeInteger(s.created) || s.created < 0) bad(`snapshot slot ${s.slot}: created ${s.created} is not a time`);
  }
  if (h.deleting !== undefined && !(Number.isInteger(h.deleting) && h.deleting >= 0 && h.deleting < 64)) bad(`deleting slot ${h.deleting} is not 0..63`);
  const m = h.merge;
  if (m && (!active(m.slot) || !Number.isSafeInteger(m.done) || m.done < 0 || m.done > 0xffffffff || !Number.isSafeInteger(m.cursor) || m.cursor < 0 || m.cursor > MAX_ORIGIN_CHUNKS)) {
    bad(`the merge record (slot ${m.slot}, done ${m.done}, cursor ${m.cursor}) names no live snapshot or is out of range`);
  }

  // As format's: the header and bitmap chunks used (and, in memory, the bits past the device end).
  const bits = new PagedBitmap(null, chunkCount, cb, 'restore');
  for (let c = 0; c < firstFree; c++) bits.set(c);
  const { exceptions, leaves } = markData(h, source, bits, firstFree);
  const { nodes, levels } = indexShape(leaves, nodeCapacity(cb));
  if (levels > MAX_LEVELS) bad(`the tree would need ${levels} levels (at most ${MAX_LEVELS})`);
  const labelBlocks = packLabels(h.snapshots, cb);
  const free = chunkCount - firstFree - exceptions;
  const need = leaves + nodes + labelBlocks.length;
  if (need > free) {
    throw new SnapscopeError('no-space', `the store's metadata (${leaves} leaves, ${nodes} nodes, ${labelBlocks.length} label blocks) needs ${need} chunks, but only ${free} are free of data`, {});
  }
  return { bits, exceptions, leaves, nodes, levels, labelBlocks };
}

export function buildShared(cow: BlockDevice, h: DumpHeader, source: ExceptionSource, opts: RestoreOptions = {}): BuildResult {
  const { chunkBytes: cb, chunkCount } = h;
  if (cow.size < chunkCount * cb) throw new SnapscopeError('usage', `${cow.name} (${cow.size} bytes) is smaller than the store (${chunkCount} chunks of ${cb} bytes)`, { device: cow.name });
  const layout = layoutShared(h, source);
  const bits = layout.bits;
  // Blocks go where neither the new content nor the live store (when that leaves room) has data.
  let live = liveSharedStore(cow, cb, chunkCount);
  let alloc = allocatorOver(cow.name, cb, bits, live?.inUse);
  if (live && alloc.freeCount < layout.leaves + layout.nodes + layout.labelBlocks.length) {
    live = null;
    alloc = allocatorOver(cow.name, cb, bits);
  }
  if (!live) releaseStoreHeader(cow, opts.undo, cb / SECTOR_BYTES);
  let written = 0;
  const allocate = (): number => {
    const chunk = alloc.allocate();
    bits.set(chunk);
    return chunk;
  };
  const put = (chunk: number, bytes: Uint8Array): void => {
    cow.write(chunk * cb, bytes);
    written++;
  };
  // The whole bitmap, a megabyte at a time: `maps` ORed (zeros where none holds a page).
  const writeBitmap = (...maps: PagedBitmap[]): void => {
    const total = bits.pageCount * cb;
    const buf = new Uint8Array(Math.min(total, Math.max(cb, WRITE_BYTES)));
    const other = new Uint8Array(buf.length);
    for (let at = 0; at < total; at += buf.length) {
      const part = buf.subarray(0, Math.min(buf.length, total - at));
      maps[0]!.readBytes(at, part);
      for (const map of maps.slice(1)) {
        map.readBytes(at, other.subarray(0, part.length));
        for (let i = 0; i < part.length; i++) part[i]! |= other[i]!;
      }
      cow.write(FIRST_BITMAP_CHUNK * cb + at, part);
    }
    written += bits.pageCount;
    cow.flush();
  };

  // Leaves, left to right; each origin's list keeps its order (insertException prepends).
  const keys: number[] = [];
  const children: number[] = [];
  const leafBuf = new Uint8Array(cb);
  let leaf = new LeafView(0, leafBuf);
  leaf.init(0);
  const flushLeaf = (): void => {
    const chunk = allocate();
    keys.push(leaf.count ? leaf.origin(0) : 0);
    children.push(chunk);
    put(chunk, leafBuf);
    leaf = new LeafView(0, leafBuf);
    leaf.init(0);
  };
  const fill = new LeafFill(cb);
  let origin = -1;
  const group: number[] = []; // chunk, lo, hi triples of the current origin
  const flushOrigin = (): void => {
    if (origin < 0) return;
    const n = group.length / 3;
    if (fill.add(n) && leaf.count > 0) flushLeaf();
    const i = leaf.count;
    leaf.insertOrigin(i, origin);
    for (let j = n - 1; j >= 0; j--) leaf.insertException(i, group[3 * j + 1]!, group[3 * j + 2]!, group[3 * j]!);
    group.length = 0;
  };
  source.forEach((o, chunk, lo, hi) => {
    if (o !== origin) {
      flushOrigin();
      origin = o;
    }
    group.push(chunk, lo, hi);
  });
  flushOrigin();
  if (leaf.count > 0 || children.length === 0) flushLeaf();
  const leaves = children.length;

  // Index levels, bottom-up, until one root node (indexShape counts the same groups).
  const cap = nodeCapacity(cb);
  const nodeBuf = new Uint8Array(cb);
  let levels = 0;
  let nodes = 0;
  let levelKeys = keys;
  let levelChildren = children;
  while (levels === 0 || levelChildren.length > 1) {
    const groups = Math.ceil(levelChildren.length / cap);
    const upKeys: number[] = [];
    const upChildren: number[] = [];
    for (let g = 0; g < groups; g++) {
      const from = Math.floor((g * levelChildren.length) / groups);
      const to = Math.floor(((g + 1) * levelChildren.length) / groups);
      const node = new NodeView(0, nodeBuf);
      node.init();
      for (let j = from; j < to; j++) node.insert(j - from, levelKeys[j]!, levelChildren[j]!);
      const chunk = allocate();
      put(chunk, nodeBuf);
      upKeys.push(levelKeys[from]!);
      upChildren.push(chunk);
      nodes++;
    }
    levelKeys = upKeys;
    levelChildren = upChildren;
    levels++;
  }

  // Labels: a chain of blocks, each pointing to the next.
  const blocks = layout.labelBlocks;
  const labelChunks = blocks.map(() => allocate());
  const labelBuf = new Uint8Array(cb);
  blocks.forEach((labels, i) => {
    encodeLabelBlock(labels, labelChunks[i + 1] ?? 0, labelBuf);
    put(labelChunks[i]!, labelBuf);
  });

  cow.flush();
  if (live) writeBitmap(bits, live.marked);
  else writeBitmap(bits);
  const head = new Uint8Array(HEADER_BYTES);
  encodeHeader(
    {
      magic: SHARED_MAGIC,
      valid: h.valid,
      version: h.version,
      chunkSectors: cb / SECTOR_BYTES,
      rootChunk: levelChildren[0]!,
      snapmask: h.snapmask,
      treeLevel: levels,
      extension: true,
      extFlags: h.deleting === undefined ? 0 : (DELETING_FLAG | h.deleting) >>> 0,
      labelChunk: labelChunks[0] ?? 0,
      generation: 0,
      mergeSlot: h.merge?.slot ?? NO_MERGE_SLOT,
      mergeDone: h.merge?.done ?? 0,
      mergeCursor: h.merge?.cursor ?? 0,
      chunkCount,
      checksumOk: true,
    },
    head,
  );
  cow.write(0, head);
  cow.flush();
  // The live store's blocks are leaks now; this frees them (a crash before it only leaks them).
  if (live) writeBitmap(bits);
  return { exceptions: layout.exceptions, leaves, nodes, levels, written: written + 1 };
}

/** An allocator over what `bits` and `live` (when given) mark. */
function allocatorOver(device: string, chunkBytes: number, bits: PagedBitmap, live?: PagedBitmap): BitmapAllocator {
  const alloc = new BitmapAllocator(null, bits.chunkCount, chunkBytes, device);
  alloc.loadAll(bits);
  if (live) alloc.loadAll(live);
  return alloc;
}

/** Pass 1 over the exceptions: validates order, chunks and shares, marks every data chunk used and counts leaves. */
function markData(h: DumpHeader, source: ExceptionSource, bits: PagedBitmap, firstFree: number): { exceptions: number; leaves: number } {
  const snapLo = maskLo(h.snapmask);
  const snapHi = maskHi(h.snapmask);
  const maxList = maxExceptionsPerOrigin(h.chunkBytes);
  const fill = new LeafFill(h.chunkBytes);
  let n = 0;
  let prev = -1;
  let list = 0;
  let takenLo = 0;
  let takenHi = 0;
  source.forEach((origin, chunk, lo, hi) => {
    const bad = (why: string): never => {
      throw new SnapscopeError('corrupt', `exception ${n} (origin ${origin}, chunk ${chunk}): ${why}`, { entry: n });
    };
    if (!Number.isSafeInteger(origin) || origin < prev || origin >= MAX_ORIGIN_CHUNKS) bad(`origins must ascend and stay below 2^32 (previous ${prev})`);
    if (origin !== prev) {
      if (prev >= 0) fill.add(list);
      takenLo = takenHi = list = 0;
    }
    if (++list > maxList) bad(`origin ${origin} has more than ${maxList} exceptions, more than a leaf holds`);
    if (!Number.isSafeInteger(chunk) || chunk < firstFree || chunk >= h.chunkCount) bad(`the chunk is outside the data area ${firstFree}..${h.chunkCount - 1}`);
    if (bits.isUsed(chunk)) bad('the chunk is used twice');
    if ((lo === 0 && hi === 0) || (lo & ~snapLo) !== 0 || (hi & ~snapHi) !== 0) bad('the share is empty or names snapshots outside the snapmask');
    if ((lo & takenLo) !== 0 || (hi & takenHi) !== 0) bad('the share overlaps another exception of the same origin');
    takenLo |= lo;
    takenHi |= hi;
    bits.set(chunk);
    prev = origin;
    n++;
  });
  if (prev >= 0) fill.add(list);
  return { exceptions: n, leaves: Math.max(fill.leaves, 1) };
}
