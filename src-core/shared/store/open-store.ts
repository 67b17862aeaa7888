/** Opens a shared store: validates the header and the bitmap's reserved bits, then loads the structure. */
import { SnapscopeError } from '../../errors.ts';
import { SECTOR_BYTES, type BlockDevice } from '../../io/block-device.ts';
import { MAX_LEVELS } from '../btree/tree.ts';
import { bitmapChunkCount, FIRST_BITMAP_CHUNK, firstFreeChunk, testBit } from '../format/bitmap.ts';
import { decodeHeader, HEADER_BYTES, NO_MERGE_SLOT, SHARED_VERSION } from '../format/header.ts';
import type { SharedOpenOptions } from '../types.ts';
import { DEFAULT_CACHE_BYTES, DELETING_FLAG, MAX_ORIGIN_CHUNKS, sharedChunkSizeProblem } from './limits.ts';
import { crossCheckForWrite } from './cross-check.ts';
import { loadStructure } from './load-structure.ts';
import { StoreState } from './state.ts';

/**
 * Opens the store on `cow`. Validates the header (every field), the bitmap's reserved bits, every
 * index node (leaves are validated when first read) and the label chain; any failure is one
 * SnapscopeError naming the field and chunk. A store marked invalid opens read-only.
 */
export function openStore(cow: BlockDevice, opts: SharedOpenOptions): StoreState {
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
  const cb = cs * SECTOR_BYTES;
  const sizeProblem = sharedChunkSizeProblem(cb);
  if (sizeProblem) bad('chunk_size', `chunk size ${cs} sectors (${cb} bytes) ${sizeProblem}`);
  let chunkCount = Math.floor(cow.size / cb);
  if (h.extension) {
    if (h.chunkCount > chunkCount) bad('chunk_count', `the store has ${h.chunkCount} chunks but the device holds only ${chunkCount} (truncated?)`, 'io');
    chunkCount = h.chunkCount;
  }
  // Chunk numbers are kept as 32-bit values (the transaction's tables); format refuses larger devices too.
  if (chunkCount >= 2 ** 32) bad('chunk_count', `the store has ${chunkCount} chunks; at most 2^32 - 1 are supported`, 'io');
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
  const s = new StoreState({ cow, header: h, chunkBytes: cb, chunkCount, bits, readOnly, events: opts.events, cacheBytes: opts.cacheBytes ?? DEFAULT_CACHE_BYTES });
  s.notes.push(...notes);
  loadStructure(s);
  if (!readOnly) crossCheckForWrite(s);
  return s;
}
