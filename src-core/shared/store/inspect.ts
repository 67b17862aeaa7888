/** Read-only views of the store for the UI, the CLI and the teacher: blocks, paths, chunk roles, lookups. */
import { EXCEPTION_BYTES } from '../format/leaf.ts';
import { slotBit, toBigMask } from '../mask.ts';
import { countOccupancy } from '../occupancy.ts';
import type { Occupancy } from '../../occupancy.ts';
import type { DecodedLeaf, DecodedNode, SharedChunkRole } from '../types.ts';
import { checkChunk, checkIntact, checkNotDeleting, checkSnapshot } from './guards.ts';
import { MAX_ORIGIN_CHUNKS } from './limits.ts';
import type { StoreState } from './state.ts';

/** Decodes (and validates) the node in `chunk`. */
export function readNode(s: StoreState, chunk: number): DecodedNode {
  checkChunk(s, chunk);
  const node = s.tx.readNode(chunk, [], 0);
  return { chunk, count: node.count, entries: node.entries() };
}

/** Decodes (and validates) the leaf in `chunk`. */
export function readLeaf(s: StoreState, chunk: number): DecodedLeaf {
  checkChunk(s, chunk);
  const leaf = s.tx.readLeaf(chunk, [], 0);
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
export function pathTo(s: StoreState, origin: number): number[] {
  s.tree.probe(origin);
  return s.tree.path.slice(0, s.tree.levels + 1);
}

/** What `chunk` holds now. */
export function chunkRole(s: StoreState, chunk: number): SharedChunkRole {
  checkChunk(s, chunk, 0);
  if (chunk === 0) return 'header';
  if (chunk < s.firstTreeChunk) return 'bitmap';
  const roles = s.tx.roles;
  if (roles.nodes.has(chunk)) return 'node';
  if (roles.leaves.has(chunk)) return 'leaf';
  if (roles.labels.has(chunk)) return 'label';
  if (roles.pendingFree.has(chunk)) return 'pending-free';
  return s.alloc.isUsed(chunk) ? 'exception' : 'free';
}

/**
 * Role counts over chunks [start, end) in `buckets` equal buckets (the allocation map). Costs a
 * popcount over the range's bitmap bytes plus one pass over the metadata chunk sets.
 */
export function occupancy(s: StoreState, start: number, end: number, buckets: number): Occupancy {
  const from = Math.max(0, Math.floor(start));
  const to = Math.min(s.chunkCount, Math.floor(end));
  return countOccupancy(s.alloc, s.tx.roles, s.firstTreeChunk, from, to, Math.max(1, Math.floor(buckets)));
}

/** The COW chunk snapshot `slot` reads for origin chunk `origin` (the exception whose share has its bit), or -1. */
export function lookup(s: StoreState, slot: number, origin: number): number {
  checkSnapshot(s, slot);
  checkIntact(s, slot, 'reading it');
  checkNotDeleting(s, `read snapshot ${slot}`, slot);
  if (!(origin >= 0 && origin < MAX_ORIGIN_CHUNKS)) return -1;
  // Reads fill the cache too: trim before the probe so lookups stay within the cache bound.
  s.tx.trim();
  const leaf = s.tree.probe(origin);
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

export function forEachException(s: StoreState, visit: (origin: number, chunk: number, slots: bigint) => void): void {
  s.tree.forEachLeaf((leaf) => {
    for (let i = 0; i < leaf.count; i++) {
      const origin = leaf.origin(i);
      for (let e = leaf.listStart(i); e < leaf.listStart(i + 1); e += EXCEPTION_BYTES) {
        visit(origin, leaf.exceptionChunk(e), toBigMask(leaf.shareLo(e), leaf.shareHi(e)));
      }
    }
  });
}
