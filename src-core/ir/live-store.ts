/**
 * What a restore finds on its target before writing: a shared store of the same geometry whose
 * chunks the new metadata must not overwrite until the header switches (the build is shadowed,
 * like a commit), or another store whose header must go first. Reads only.
 */
import { SECTOR_BYTES, type BlockDevice } from '../io/block-device.ts';
import { runToEnd } from '../jobs/job.ts';
import { SNAP_MAGIC } from '../persistent/format.ts';
import { beginRewrite, type UndoFile } from '../persistent/restore-intent.ts';
import { PagedBitmap } from '../shared/alloc/paged-bitmap.ts';
import { HEADER_BYTES, SHARED_MAGIC } from '../shared/format/header.ts';
import { SharedWalk } from '../walk/shared.ts';

/** Both held only where a chunk is used: at the format's limit a flat copy is 512 MiB. */
export interface LiveStore {
  /** The live store's bitmap as it is on disk (bits past the device end set). */
  marked: PagedBitmap;
  /** Its bitmap plus every chunk its tree and labels reference (a damaged bitmap may miss some). */
  inUse: PagedBitmap;
}

/** The shared store on `cow` when it has this chunk size and chunk count, else null. */
export function liveSharedStore(cow: BlockDevice, chunkBytes: number, chunkCount: number): LiveStore | null {
  if (!holdsStoreHeader(cow)) return null;
  const marked = new PagedBitmap(null, chunkCount, chunkBytes, cow.name);
  let walk: SharedWalk;
  try {
    // The one walker, tolerant: whatever it reaches of a damaged store is in use too. Its read
    // of the bitmap is the one taken here.
    walk = new SharedWalk(cow, { bitmap: (index, bytes) => marked.load(index, bytes) });
  } catch {
    return null;
  }
  const h = walk.header;
  const g = walk.geometry;
  if (!h || !g || h.magic !== SHARED_MAGIC || h.chunkSectors * SECTOR_BYTES !== chunkBytes || g.chunkCount !== chunkCount) return null;
  runToEnd(walk);
  const inUse = new PagedBitmap(null, chunkCount, chunkBytes, cow.name);
  inUse.loadAll(marked);
  inUse.orWords(walk.refs.words, (from, to) => walk.refs.blank(from, to));
  return { marked, inUse };
}

/** Whether sector 0 of `cow` holds a store header (shared or persistent magic). */
export function holdsStoreHeader(cow: BlockDevice): boolean {
  if (cow.size < 4) return false;
  const magic = new Uint8Array(4);
  cow.read(0, magic);
  const m = new DataView(magic.buffer).getUint32(0, true);
  return m === SHARED_MAGIC || m === SNAP_MAGIC;
}

/**
 * Before a restore overwrites the store on `cow` in place (not beside it): with an undo file,
 * marks the store as being rewritten (restore-intent.ts: a crash is undone at the next open for
 * writing); without one, clears its header, so a crash never leaves a mix of two stores.
 */
export function releaseStoreHeader(cow: BlockDevice, undo: UndoFile | undefined, chunkSectors: number): void {
  if (!holdsStoreHeader(cow)) return;
  if (undo !== undefined) return beginRewrite(cow, undo, chunkSectors);
  cow.write(0, new Uint8Array(SECTOR_BYTES));
  cow.flush();
}
