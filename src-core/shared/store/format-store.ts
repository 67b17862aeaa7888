/** Writes an empty shared store over a device (docs/format-shared.md). */
import { SnapscopeError } from '../../errors.ts';
import { SECTOR_BYTES, type BlockDevice } from '../../io/block-device.ts';
import { BitmapAllocator } from '../alloc/bitmap-allocator.ts';
import { bitmapChunkCount, firstFreeChunk } from '../format/bitmap.ts';
import { NO_MERGE_SLOT, SHARED_MAGIC, SHARED_VERSION, type SharedHeader } from '../format/header.ts';
import type { SharedFormatOptions } from '../types.ts';
import { commit } from './commit.ts';
import { DEFAULT_CACHE_BYTES, sharedChunkSizeProblem } from './limits.ts';
import { StoreState } from './state.ts';

/** Why a device of `bytes` cannot hold a shared store of `cb`-byte chunks ("(N bytes) is too small ..."), or null. */
export function sharedSizeProblem(bytes: number, cb: number): string | null {
  const chunkCount = Math.floor(bytes / cb);
  const first = firstFreeChunk(chunkCount, cb);
  return chunkCount < first + 4 ? `(${bytes} bytes) is too small for a shared store with ${cb}-byte chunks (needs ${(first + 4) * cb} bytes)` : null;
}

/**
 * Writes an empty store over `cow` (the whole device, chunk size `chunkBytes`) and returns it
 * open for writing. Sector 0 is zeroed first, so a crash during format leaves no store rather
 * than a damaged one.
 */
export function formatStore(cow: BlockDevice, opts: SharedFormatOptions): StoreState {
  const cb = opts.chunkBytes;
  const sizeProblem = sharedChunkSizeProblem(cb);
  if (sizeProblem) throw new SnapscopeError('usage', `chunk size ${cb} ${sizeProblem}`, { field: 'chunk_size' });
  if (cow.readOnly) throw new SnapscopeError('read-only', `${cow.name} is read-only`, { device: cow.name });
  const chunkCount = Math.floor(cow.size / cb);
  const small = sharedSizeProblem(cow.size, cb);
  if (small) throw new SnapscopeError('usage', `${cow.name} ${small}`, { device: cow.name });
  if (chunkCount >= 2 ** 32) throw new SnapscopeError('capacity', `${cow.name} has ${chunkCount} chunks; at most 2^32 - 1 are supported`, { device: cow.name });
  cow.write(0, new Uint8Array(SECTOR_BYTES));
  cow.flush();
  // Fields in decodeHeader's order: one hidden class for a formatted and an opened store's header.
  const header: SharedHeader = {
    magic: SHARED_MAGIC,
    valid: true,
    version: SHARED_VERSION,
    chunkSectors: cb / SECTOR_BYTES,
    rootChunk: 0,
    snapmask: 0n,
    treeLevel: 1,
    extension: true,
    extFlags: 0,
    labelChunk: 0,
    generation: 0,
    mergeSlot: NO_MERGE_SLOT,
    mergeDone: 0,
    mergeCursor: 0,
    chunkCount,
    checksumOk: true,
  };
  // Every chunk free but the header and bitmap ones (and those past the end): no page held for the rest.
  const alloc = new BitmapAllocator(null, chunkCount, cb, cow.name);
  alloc.markRange(0, firstFreeChunk(chunkCount, cb));
  const s = new StoreState({ cow, header, chunkBytes: cb, chunkCount, alloc, readOnly: false, events: opts.events, cacheBytes: opts.cacheBytes ?? DEFAULT_CACHE_BYTES });
  for (let i = 0; i < bitmapChunkCount(chunkCount, cb); i++) s.alloc.markWhole(i);
  const leaf = s.tx.newLeaf(0);
  const root = s.tx.newNode();
  root.insert(0, 0, leaf.chunk);
  s.tree.root = root.chunk;
  commit(s);
  const most = s.maxExceptionsPerOrigin;
  if (most < 64) {
    s.warnings.push(
      `with ${cb}-byte chunks one origin chunk can have at most ${most} distinct copies, so 64 snapshots cannot each own a copy of the same chunk (use 2 KiB chunks or larger)`,
    );
  }
  return s;
}
