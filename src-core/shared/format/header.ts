/**
 * Header, chunk 0 (docs/format-shared.md § Header). The first 40 bytes are the seed's
 * `struct disk_header` as x86_64 lays it out; snapscope's fields follow inside the first sector,
 * so a commit is one atomic sector write.
 */
import { SnapscopeError } from '../../errors.ts';
import { getU64, setU64 } from './le.ts';

export const SHARED_MAGIC = 0x10161974;
export const SHARED_VERSION = 1;
/** Marks the snapscope extension (bytes 40..). Absent in seed-written stores. */
export const EXTENSION_MAGIC = 0x31435353; // "SSC1"
export const NO_MERGE_SLOT = 0xffffffff;
export const HEADER_BYTES = 512;

/** Byte offsets and sizes of every header field; docs/format-shared.md's table must match. */
export const HEADER_LAYOUT = {
  magic: { offset: 0, size: 4 },
  valid: { offset: 4, size: 4 },
  version: { offset: 8, size: 4 },
  chunk_size: { offset: 12, size: 4 },
  root_tree_chunk: { offset: 16, size: 8 },
  snapmask: { offset: 24, size: 8 },
  tree_level: { offset: 32, size: 4 },
  pad: { offset: 36, size: 4 },
  ext_magic: { offset: 40, size: 4 },
  ext_flags: { offset: 44, size: 4 },
  label_chunk: { offset: 48, size: 8 },
  generation: { offset: 56, size: 8 },
  merge_slot: { offset: 64, size: 4 },
  merge_done: { offset: 68, size: 4 },
  merge_cursor: { offset: 72, size: 8 },
  chunk_count: { offset: 80, size: 8 },
  checksum: { offset: 88, size: 4 },
} as const;

export interface SharedHeader {
  magic: number;
  valid: boolean;
  version: number;
  /** Chunk size in 512-byte sectors. */
  chunkSectors: number;
  rootChunk: number;
  snapmask: bigint;
  treeLevel: number;
  /** Whether the snapscope extension (bytes 40..84) is present. */
  extension: boolean;
  /** Bit 31: a snapshot delete was committed part-way; bits 0..5 its slot. */
  extFlags: number;
  /** First label chunk, 0 when the store has no labels. */
  labelChunk: number;
  /** Commits since format. */
  generation: number;
  /** The merge in progress (docs/format-shared.md § Merge): slot (NO_MERGE_SLOT when none), origin chunks merged, next origin chunk. */
  mergeSlot: number;
  mergeDone: number;
  mergeCursor: number;
  /** Chunks of the COW when formatted (0 without the extension: the device size decides). */
  chunkCount: number;
  /** False when the extension's CRC does not match (checked after the fields, so errors name a field). */
  checksumOk: boolean;
}

const L = HEADER_LAYOUT;

/**
 * CRC-32 (IEEE, reflected 0xedb88320) tables for slicing by 8: table k (at k·256) advances a byte
 * through k further zero bytes, so eight bytes take one step. Every commit checksums a header, and
 * one step per byte was a tenth of a strict commit's time. Int32Array: a Uint32Array element
 * above 2^31 is a heap number in V8.
 */
const CRC_TABLES = (() => {
  const t = new Int32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    t[n] = c;
  }
  for (let k = 1; k < 8; k++) {
    for (let n = 0; n < 256; n++) {
      const p = t[(k - 1) * 256 + n]!;
      t[k * 256 + n] = t[p & 0xff]! ^ (p >>> 8);
    }
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, as zlib) of bytes[0..length): crc32("123456789") = 0xcbf43926. */
export function crc32(bytes: Uint8Array, length = bytes.length): number {
  const t = CRC_TABLES;
  let crc = -1;
  let i = 0;
  for (; i + 8 <= length; i += 8) {
    const a = crc ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    crc =
      t[1792 + (a & 0xff)]! ^
      t[1536 + ((a >>> 8) & 0xff)]! ^
      t[1280 + ((a >>> 16) & 0xff)]! ^
      t[1024 + (a >>> 24)]! ^
      t[768 + bytes[i + 4]!]! ^
      t[512 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
  }
  for (; i < length; i++) crc = t[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** CRC-32 of bytes 0..88, so a stray write into the header is noticed. */
export function headerChecksum(bytes: Uint8Array): number {
  return crc32(bytes, L.checksum.offset);
}

/**
 * CRC-32 is affine: two headers' CRCs differ by the CRC (zero start, no final xor) of their xor.
 * Entry p·256 + v is that term for a difference v at byte p alone, so a header's CRC is the last
 * one's xor a term per changed byte (a strict commit changes the generation and the root: a few
 * bytes of 88).
 */
const CRC_DELTA = (() => {
  const n = L.checksum.offset;
  const t = new Int32Array(n * 256);
  for (let v = 0; v < 256; v++) {
    t[(n - 1) * 256 + v] = CRC_TABLES[v]!;
    for (let p = n - 2; p >= 0; p--) {
      const c = t[(p + 1) * 256 + v]!;
      t[p * 256 + v] = CRC_TABLES[c & 0xff]! ^ (c >>> 8);
    }
  }
  return t;
})();

/** A buffer encoded into: its view, and the checksummed bytes (as le32 words) and CRC last encoded there. */
interface Encoded {
  readonly view: DataView;
  readonly words: Int32Array;
  crc: number;
}

/**
 * Per buffer, what its last checksummed encode wrote: each store encodes into its own sector, so
 * stores (and a scratch encode) do not disturb each other's running CRC. A delta from `words` is
 * right whatever happened to the buffer's memory since, so nothing else needs invalidating.
 */
const encoded = new WeakMap<Uint8Array, Encoded>();

/** headerChecksum of the bytes in `e.view`, from its last checksummed encode when `known`. */
function checksumOf(e: Encoded, bytes: Uint8Array, known: boolean): number {
  const { view: dv, words } = e;
  if (!known) {
    for (let w = 0; w < words.length; w++) words[w] = dv.getInt32(4 * w, true);
    return (e.crc = headerChecksum(bytes));
  }
  let crc = e.crc;
  for (let w = 0; w < words.length; w++) {
    const now = dv.getInt32(4 * w, true);
    let d = now ^ words[w]!;
    if (d === 0) continue;
    words[w] = now;
    for (let p = 4 * w; d !== 0; p++, d >>>= 8) if ((d & 0xff) !== 0) crc ^= CRC_DELTA[p * 256 + (d & 0xff)]!;
  }
  return (e.crc = crc >>> 0);
}

export function encodeHeader(h: SharedHeader, out: Uint8Array): void {
  out.fill(0, 0, HEADER_BYTES);
  const known = encoded.get(out);
  const e = known ?? { view: new DataView(out.buffer, out.byteOffset, HEADER_BYTES), words: new Int32Array(L.checksum.offset / 4), crc: 0 };
  const dv = e.view;
  dv.setUint32(L.magic.offset, h.magic, true);
  dv.setUint32(L.valid.offset, h.valid ? 1 : 0, true);
  dv.setUint32(L.version.offset, h.version, true);
  dv.setUint32(L.chunk_size.offset, h.chunkSectors, true);
  setU64(dv, L.root_tree_chunk.offset, h.rootChunk);
  dv.setBigUint64(L.snapmask.offset, h.snapmask, true);
  dv.setUint32(L.tree_level.offset, h.treeLevel, true);
  if (!h.extension) return;
  dv.setUint32(L.ext_magic.offset, EXTENSION_MAGIC, true);
  dv.setUint32(L.ext_flags.offset, h.extFlags, true);
  setU64(dv, L.label_chunk.offset, h.labelChunk);
  setU64(dv, L.generation.offset, h.generation);
  dv.setUint32(L.merge_slot.offset, h.mergeSlot, true);
  dv.setUint32(L.merge_done.offset, h.mergeDone, true);
  setU64(dv, L.merge_cursor.offset, h.mergeCursor);
  setU64(dv, L.chunk_count.offset, h.chunkCount);
  dv.setUint32(L.checksum.offset, checksumOf(e, out, known !== undefined), true);
  // Kept only once its words and CRC describe a whole encode.
  if (!known) encoded.set(out, e);
}

/** Decodes without judging values against a device; the store's open validates them. */
export function decodeHeader(bytes: Uint8Array, device: string): SharedHeader {
  if (bytes.length < HEADER_BYTES) {
    throw new SnapscopeError('not-a-store', `${device} is too short for a shared store header`, { device, chunk: 0 });
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const at = (field: string) => ({ device, chunk: 0, field });
  const magic = dv.getUint32(L.magic.offset, true);
  if (magic !== SHARED_MAGIC) {
    throw new SnapscopeError(
      'not-a-store',
      `${device}: no shared store header (magic 0x${magic.toString(16)}, want 0x${SHARED_MAGIC.toString(16)}) (chunk 0, field magic)`,
      at('magic'),
    );
  }
  const extension = dv.getUint32(L.ext_magic.offset, true) === EXTENSION_MAGIC;
  return {
    magic,
    valid: dv.getUint32(L.valid.offset, true) !== 0,
    version: dv.getUint32(L.version.offset, true),
    chunkSectors: dv.getUint32(L.chunk_size.offset, true),
    rootChunk: getU64(dv, L.root_tree_chunk.offset, at('root_tree_chunk')),
    snapmask: dv.getBigUint64(L.snapmask.offset, true),
    treeLevel: dv.getUint32(L.tree_level.offset, true),
    extension,
    extFlags: extension ? dv.getUint32(L.ext_flags.offset, true) : 0,
    labelChunk: extension ? getU64(dv, L.label_chunk.offset, at('label_chunk')) : 0,
    generation: extension ? getU64(dv, L.generation.offset, at('generation')) : 0,
    mergeSlot: extension ? dv.getUint32(L.merge_slot.offset, true) : NO_MERGE_SLOT,
    mergeDone: extension ? dv.getUint32(L.merge_done.offset, true) : 0,
    mergeCursor: extension ? getU64(dv, L.merge_cursor.offset, at('merge_cursor')) : 0,
    chunkCount: extension ? getU64(dv, L.chunk_count.offset, at('chunk_count')) : 0,
    checksumOk: !extension || dv.getUint32(L.checksum.offset, true) === headerChecksum(bytes),
  };
}
