/**
 * What a restore finds on its target before writing: a shared store of the same geometry whose
 * chunks the new metadata must not overwrite until the header switches (the build is shadowed,
 * like a commit), or another store whose header must go first. Reads only.
 */
import { Bitset } from '../check/bitset.ts';
import { FindingLog } from '../check/findings.ts';
import { TreeWalk } from '../check/shared-walk.ts';
import { SECTOR_BYTES, type BlockDevice } from '../io/block-device.ts';
import { SNAP_MAGIC } from '../persistent/format.ts';
import { MAX_LEVELS } from '../shared/btree/tree.ts';
import { bitmapChunkCount, FIRST_BITMAP_CHUNK, firstFreeChunk, setBit } from '../shared/format/bitmap.ts';
import { decodeHeader, HEADER_BYTES, SHARED_MAGIC } from '../shared/format/header.ts';
import { decodeLabelBlock } from '../shared/format/label.ts';
import { maskHi, maskLo } from '../shared/mask.ts';

export interface LiveStore {
  /** The live store's bitmap as it is on disk. */
  marked: Uint8Array;
  /** Its bitmap plus every chunk its tree and labels reference (a damaged bitmap may miss some). */
  inUse: Uint8Array;
}

/** The shared store on `cow` when it has this chunk size and chunk count, else null. */
export function liveSharedStore(cow: BlockDevice, chunkBytes: number, chunkCount: number): LiveStore | null {
  if (cow.size < HEADER_BYTES) return null;
  const sector = new Uint8Array(HEADER_BYTES);
  cow.read(0, sector);
  let h;
  try {
    h = decodeHeader(sector, cow.name);
  } catch {
    return null;
  }
  const count = h.extension ? h.chunkCount : Math.floor(cow.size / chunkBytes);
  if (h.magic !== SHARED_MAGIC || h.chunkSectors * SECTOR_BYTES !== chunkBytes || count !== chunkCount) return null;
  const marked = new Uint8Array(bitmapChunkCount(chunkCount, chunkBytes) * chunkBytes);
  cow.read(FIRST_BITMAP_CHUNK * chunkBytes, marked);
  const inUse = marked.slice();
  const firstFree = firstFreeChunk(chunkCount, chunkBytes);
  const refs = new Bitset(chunkCount);
  if (h.treeLevel >= 1 && h.treeLevel <= MAX_LEVELS) {
    const g = { chunkBytes, chunkCount, firstFree, snapLo: maskLo(h.snapmask), snapHi: maskHi(h.snapmask) };
    const walk = new TreeWalk(cow, g, new FindingLog(), refs, h.treeLevel, h.rootChunk);
    while (!walk.done) walk.step();
  }
  const block = new Uint8Array(chunkBytes);
  for (let chunk = h.extension ? h.labelChunk : 0, n = 0; chunk >= firstFree && chunk < chunkCount && n < 64 && !refs.has(chunk); n++) {
    refs.set(chunk);
    cow.read(chunk * chunkBytes, block);
    try {
      chunk = decodeLabelBlock(block, chunk, cow.name).next;
    } catch {
      break;
    }
  }
  for (let c = 0; c < chunkCount; c++) if (refs.has(c)) setBit(inUse, c);
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
