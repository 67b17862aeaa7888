/**
 * The kernel's persistent COW format (drivers/md/dm-snap-persistent.c), encoded and decoded in
 * one place. Normative spec: docs/format-persistent.md — "Header" and "Metadata areas".
 * All fields are little-endian; chunk numbers are in chunks, chunk_size in 512-byte sectors.
 */
import { SnapscopeError } from '../errors.ts';
import { SECTOR_BYTES } from '../io/block-device.ts';

export const SNAP_MAGIC = 0x70416e53; // "SnAp" read as le32
export const SNAPSHOT_DISK_VERSION = 1;
/** Chunks before area 0: the header chunk. */
export const NUM_SNAPSHOT_HDR_CHUNKS = 1;
/** The kernel refuses chunk sizes above INT_MAX >> SECTOR_SHIFT sectors. */
export const MAX_CHUNK_SECTORS = 0x7fffffff >> 9;

/** Header fields: offset and size in bytes, in chunk 0 (docs: "Header"). */
export const HEADER_FIELDS = {
  magic: { offset: 0, size: 4 },
  valid: { offset: 4, size: 4 },
  version: { offset: 8, size: 4 },
  chunkSize: { offset: 12, size: 4 },
} as const;
export const HEADER_BYTES = 16;

/** One disk_exception in a metadata area (docs: "Metadata areas"). */
export const ENTRY_FIELDS = {
  oldChunk: { offset: 0, size: 8 },
  newChunk: { offset: 8, size: 8 },
} as const;
export const ENTRY_BYTES = 16;
/**
 * Metadata areas are read in pieces of at most this many bytes: a header may claim chunks of up to
 * 1 GiB, and a chunk-sized buffer would then cost that much memory however few entries there are.
 */
export const AREA_READ_BYTES = 1 << 20;

export interface DiskHeader {
  magic: number;
  valid: number;
  version: number;
  chunkSectors: number;
}

export function decodeHeader(bytes: Uint8Array): DiskHeader {
  const v = view(bytes);
  return {
    magic: v.getUint32(HEADER_FIELDS.magic.offset, true),
    valid: v.getUint32(HEADER_FIELDS.valid.offset, true),
    version: v.getUint32(HEADER_FIELDS.version.offset, true),
    chunkSectors: v.getUint32(HEADER_FIELDS.chunkSize.offset, true),
  };
}

/** Writes the header into the first 16 bytes of `bytes` (the rest of chunk 0 is left as is). */
export function encodeHeader(h: DiskHeader, bytes: Uint8Array): void {
  const v = view(bytes);
  v.setUint32(HEADER_FIELDS.magic.offset, h.magic, true);
  v.setUint32(HEADER_FIELDS.valid.offset, h.valid, true);
  v.setUint32(HEADER_FIELDS.version.offset, h.version, true);
  v.setUint32(HEADER_FIELDS.chunkSize.offset, h.chunkSectors, true);
}

/** Why a chunk size is unusable, or null. Mirrors dm_exception_store_set_chunk_size(). */
export function chunkSizeProblem(chunkSectors: number): string | null {
  if (!Number.isInteger(chunkSectors) || chunkSectors <= 0) return 'is zero or not an integer';
  if ((chunkSectors & (chunkSectors - 1)) !== 0) return 'is not a power of two';
  if (chunkSectors > MAX_CHUNK_SECTORS) return `is above the kernel's limit of ${MAX_CHUNK_SECTORS} sectors`;
  return null;
}

/** Geometry derived from the chunk size: where areas live and how many entries each holds. */
/**
 * Why a device of `bytes` cannot hold a useful persistent store of `chunkBytes`-byte chunks, or
 * null: the header, metadata area 0 and at least one data chunk (with none the kernel invalidates
 * the snapshot at its first copy).
 */
export function persistentSizeProblem(bytes: number, chunkBytes: number): string | null {
  const needs = 3 * chunkBytes;
  return bytes < needs ? `(${bytes} bytes) is too small for a persistent store with ${chunkBytes}-byte chunks (needs ${needs} bytes: the header, one metadata area and one data chunk)` : null;
}

export class Geometry {
  readonly chunkBytes: number;
  readonly exceptionsPerArea: number;
  /** Chunks from one area to the next: the area itself plus its data chunks. */
  readonly stride: number;
  constructor(readonly chunkSectors: number) {
    this.chunkBytes = chunkSectors * SECTOR_BYTES;
    this.exceptionsPerArea = this.chunkBytes / ENTRY_BYTES;
    this.stride = this.exceptionsPerArea + 1;
  }
  /** area_location(): the chunk holding metadata area `area`. */
  areaLocation(area: number): number {
    return NUM_SNAPSHOT_HDR_CHUNKS + this.stride * area;
  }
  /** True when `chunk` is the header or a metadata area location. */
  isMetadataChunk(chunk: number): boolean {
    // Below 2^31 an int32 remainder: a double % is a library call, and checks run this per entry.
    const inArea = chunk < 0x8000_0000 ? (chunk | 0) % this.stride : chunk % this.stride;
    return chunk < NUM_SNAPSHOT_HDR_CHUNKS || inArea === NUM_SNAPSHOT_HDR_CHUNKS;
  }
  /**
   * The chunk the kernel's allocator hands out `n`-th on a new store (from the first data chunk,
   * skipping area locations): new_chunk of entry n of every table written by writes alone.
   */
  allocatedChunk(n: number): number {
    return NUM_SNAPSHOT_HDR_CHUNKS + 1 + n + Math.floor(n / this.exceptionsPerArea);
  }
  /** skip_metadata(): the allocator never hands out an area location. */
  skipMetadata(nextFree: number): number {
    return nextFree % this.stride === NUM_SNAPSHOT_HDR_CHUNKS ? nextFree + 1 : nextFree;
  }
}

const TWO_32 = 0x1_0000_0000;

/** Reads a le64 as a number; returns -1 when it does not fit in 2^53 (never a real chunk). */
export function readLe64(v: DataView, offset: number): number {
  const lo = v.getUint32(offset, true);
  const hi = v.getUint32(offset + 4, true);
  if (hi >= 0x20_0000) return -1;
  return hi * TWO_32 + lo;
}

export function writeLe64(v: DataView, offset: number, value: number): void {
  v.setUint32(offset, value % TWO_32, true);
  v.setUint32(offset + 4, Math.floor(value / TWO_32), true);
}

/** Raw le64 halves for error messages about values too large to be chunks. */
export function le64Hex(v: DataView, offset: number): string {
  const lo = v.getUint32(offset, true).toString(16).padStart(8, '0');
  const hi = v.getUint32(offset + 4, true).toString(16).padStart(8, '0');
  return `0x${hi}${lo}`;
}

export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function corrupt(message: string, where: ConstructorParameters<typeof SnapscopeError>[2]): SnapscopeError {
  return new SnapscopeError('corrupt', message, where);
}
