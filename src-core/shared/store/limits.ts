/** Limits of the shared store that are not field sizes (docs/format-shared.md). */

export const MIN_CHUNK_BYTES = 512;
export const MAX_CHUNK_BYTES = 1 << 20;

/** Why a chunk size cannot be a shared store's, or null: format, open, check and restore agree. */
export function sharedChunkSizeProblem(chunkBytes: number): string | null {
  if (Number.isSafeInteger(chunkBytes) && chunkBytes >= MIN_CHUNK_BYTES && chunkBytes <= MAX_CHUNK_BYTES && (chunkBytes & (chunkBytes - 1)) === 0) return null;
  return 'is not a power of two from 512 bytes to 1 MiB';
}
export const DEFAULT_CACHE_BYTES = 64 << 20;
/** ext_flags: a delete of slot (flags & 63) was committed part-way (a nearly full COW). */
export const DELETING_FLAG = 0x80000000;
/** ext_flags: the recorded merge has not written the origin yet, so clearing its record leaves the origin as it was. */
export const MERGE_UNTOUCHED_FLAG = 0x40000000;
/** rchunk is 32 bits and snapscope writes base_chunk 0: origins must be below 2^32 chunks. */
export const MAX_ORIGIN_CHUNKS = 2 ** 32;
