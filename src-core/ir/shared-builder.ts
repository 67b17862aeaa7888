/**
 * Writes shared-store metadata for a given logical content, bottom-up (the fast way to load a
 * B-tree from sorted input): pass 1 validates the exceptions and marks their data chunks in a
 * fresh bitmap, so pass 2 allocates leaves, nodes and labels only from chunks no exception uses.
 * Data chunks are never touched. The header is written last: it is the commit.
 */
import { SnapscopeError } from '../errors.ts';
import { SECTOR_BYTES, type BlockDevice } from '../io/block-device.ts';
import { BitmapAllocator } from '../shared/alloc/bitmap-allocator.ts';
import { FIRST_BITMAP_CHUNK, firstFreeChunk, formatBitmap, setBit, testBit } from '../shared/format/bitmap.ts';
import { HEADER_BYTES, NO_MERGE_SLOT, SHARED_MAGIC, encodeHeader } from '../shared/format/header.ts';
import { encodeLabelBlock, packLabels } from '../shared/format/label.ts';
import { EXCEPTION_BYTES, LeafView, MAP_ENTRY_BYTES } from '../shared/format/leaf.ts';
import { NodeView, nodeCapacity } from '../shared/format/node.ts';
import { MAX_ORIGIN_CHUNKS } from '../shared/shared-store.ts';
import { maskHi, maskLo } from '../shared/mask.ts';
import type { DumpHeader, ExceptionSource } from './model.ts';

export interface BuildResult {
  exceptions: number;
  leaves: number;
  nodes: number;
  levels: number;
  /** Every chunk the build wrote, in write order (header last). */
  written: number;
}

export function buildShared(cow: BlockDevice, h: DumpHeader, source: ExceptionSource): BuildResult {
  const { chunkBytes: cb, chunkCount } = h;
  if (cow.size < chunkCount * cb) throw new SnapscopeError('usage', `${cow.name} (${cow.size} bytes) is smaller than the store (${chunkCount} chunks of ${cb} bytes)`, { device: cow.name });
  const bits = formatBitmap(chunkCount, cb);
  const exceptions = markData(h, source, bits, firstFreeChunk(chunkCount, cb));
  const alloc = new BitmapAllocator(bits, chunkCount, cb, cow.name);
  let written = 0;
  const put = (chunk: number, bytes: Uint8Array): void => {
    cow.write(chunk * cb, bytes);
    written++;
  };

  // Leaves, left to right; each origin's list keeps its order (insertException prepends).
  const keys: number[] = [];
  const children: number[] = [];
  const leafBuf = new Uint8Array(cb);
  let leaf = new LeafView(0, leafBuf);
  leaf.init(0);
  const flushLeaf = (): void => {
    const chunk = alloc.allocate();
    keys.push(leaf.count ? leaf.origin(0) : 0);
    children.push(chunk);
    put(chunk, leafBuf);
    leaf = new LeafView(0, leafBuf);
    leaf.init(0);
  };
  let origin = -1;
  const group: number[] = []; // chunk, lo, hi triples of the current origin
  const flushOrigin = (): void => {
    if (origin < 0) return;
    const n = group.length / 3;
    if (leaf.freeBytes() < MAP_ENTRY_BYTES + n * EXCEPTION_BYTES) flushLeaf();
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

  // Index levels, bottom-up, until one root node; at least one level (the store's rule).
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
      const chunk = alloc.allocate();
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
  const blocks = packLabels(h.snapshots, cb);
  const labelChunks = blocks.map(() => alloc.allocate());
  const labelBuf = new Uint8Array(cb);
  blocks.forEach((labels, i) => {
    encodeLabelBlock(labels, labelChunks[i + 1] ?? 0, labelBuf);
    put(labelChunks[i]!, labelBuf);
  });

  cow.write(FIRST_BITMAP_CHUNK * cb, bits);
  written += bits.length / cb;
  cow.flush();
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
      extFlags: 0,
      labelChunk: labelChunks[0] ?? 0,
      generation: 0,
      mergeSlot: NO_MERGE_SLOT,
      mergeDone: 0,
      mergeCursor: 0,
      chunkCount,
      checksumOk: true,
    },
    head,
  );
  cow.write(0, head);
  cow.flush();
  return { exceptions, leaves, nodes, levels, written: written + 1 };
}

/** Pass 1: validates order, chunks and shares, marking every data chunk used. */
function markData(h: DumpHeader, source: ExceptionSource, bits: Uint8Array, firstFree: number): number {
  const snapLo = maskLo(h.snapmask);
  const snapHi = maskHi(h.snapmask);
  let n = 0;
  let prev = -1;
  let takenLo = 0;
  let takenHi = 0;
  source.forEach((origin, chunk, lo, hi) => {
    const bad = (why: string): never => {
      throw new SnapscopeError('corrupt', `exception ${n} (origin ${origin}, chunk ${chunk}): ${why}`, { entry: n });
    };
    if (!Number.isSafeInteger(origin) || origin < prev || origin >= MAX_ORIGIN_CHUNKS) bad(`origins must ascend and stay below 2^32 (previous ${prev})`);
    if (origin !== prev) takenLo = takenHi = 0;
    if (!Number.isSafeInteger(chunk) || chunk < firstFree || chunk >= h.chunkCount) bad(`the chunk is outside the data area ${firstFree}..${h.chunkCount - 1}`);
    if (testBit(bits, chunk)) bad('the chunk is used twice');
    if ((lo === 0 && hi === 0) || (lo & ~snapLo) !== 0 || (hi & ~snapHi) !== 0) bad('the share is empty or names snapshots outside the snapmask');
    if ((lo & takenLo) !== 0 || (hi & takenHi) !== 0) bad('the share overlaps another exception of the same origin');
    takenLo |= lo;
    takenHi |= hi;
    setBit(bits, chunk);
    prev = origin;
    n++;
  });
  return n;
}
