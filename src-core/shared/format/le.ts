import { SnapscopeError, type ErrorLocation } from '../../errors.ts';

/**
 * Whether this host stores a Uint32Array's words little-endian, as every on-disk field is: then
 * views over block bytes may read and write le32 fields as array words (the insert and search hot
 * paths), and otherwise they keep to the DataView.
 */
export const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Le32 words over `bytes` when the host is little-endian and `bytes` is word-aligned, else null (use a DataView). */
export function le32Words(bytes: Uint8Array, hostLittleEndian = LITTLE_ENDIAN_HOST): Uint32Array | null {
  if (!hostLittleEndian || bytes.byteOffset % 4 !== 0) return null;
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
}

/** 2^32: splits a le64 into two le32 halves (JS numbers hold chunk numbers up to 2^53). */
export const TWO32 = 4294967296;

/** Reads a le64 that must fit a JS safe integer (chunk numbers, keys). */
export function getU64(dv: DataView, offset: number, where: ErrorLocation): number {
  const hi = dv.getUint32(offset + 4, true);
  if (hi >= 0x200000) {
    throw new SnapscopeError('corrupt', `value at byte ${offset} exceeds 2^53${describe(where)}`, where);
  }
  return joinU64(hi, dv.getUint32(offset, true));
}

/** Reads a le64 known to be small (validated at decode time). Hot paths use this. */
export function getU64Fast(dv: DataView, offset: number): number {
  return joinU64(dv.getUint32(offset + 4, true), dv.getUint32(offset, true));
}

/**
 * The number hi·2^32 + lo. With hi 0 it is `lo` itself: unoptimised code boxes the product as a
 * heap number even when it is small, and an object field that once held one (a block's chunk, a
 * header field) changes representation, deoptimising every compiled function that reads it.
 */
export function joinU64(hi: number, lo: number): number {
  return hi === 0 ? lo : hi * TWO32 + lo;
}

export function setU64(dv: DataView, offset: number, value: number): void {
  dv.setUint32(offset, value >>> 0, true);
  dv.setUint32(offset + 4, Math.floor(value / TWO32), true);
}

function describe(where: ErrorLocation): string {
  const parts: string[] = [];
  if (where.chunk !== undefined) parts.push(`chunk ${where.chunk}`);
  if (where.field !== undefined) parts.push(`field ${where.field}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
