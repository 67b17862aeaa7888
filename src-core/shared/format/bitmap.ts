/**
 * Allocation bitmap (docs/format-shared.md § Bitmap): chunks 1..n, one bit per chunk of the
 * device, bit k of byte b is chunk (b·8 + k) counted from the start of bitmap chunk 1 (the
 * kernel's little-endian `set_bit`). In memory the bitmap chunks sit back to back.
 */
export const FIRST_BITMAP_CHUNK = 1;

export function bitmapChunkCount(chunkCount: number, chunkBytes: number): number {
  return Math.ceil(chunkCount / (chunkBytes * 8));
}

/** Chunks the header and bitmap take: the first chunk the tree or data may use. */
export function firstFreeChunk(chunkCount: number, chunkBytes: number): number {
  return FIRST_BITMAP_CHUNK + bitmapChunkCount(chunkCount, chunkBytes);
}

export function testBit(bits: Uint8Array, chunk: number): boolean {
  return ((bits[chunk >>> 3] ?? 0) & (1 << (chunk & 7))) !== 0;
}

export function setBit(bits: Uint8Array, chunk: number): void {
  bits[chunk >>> 3]! |= 1 << (chunk & 7);
}

export function clearBit(bits: Uint8Array, chunk: number): void {
  bits[chunk >>> 3]! &= ~(1 << (chunk & 7));
}

/** Set bits of a 32-bit word. */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  // Math.imul: a double product past 2^32 would send `>>> 24` down V8's slow conversion.
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

