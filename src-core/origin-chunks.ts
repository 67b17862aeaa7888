import { SnapscopeError } from './errors.ts';

/**
 * Which origin chunks exist, one rule for every reader and writer (the CLI's read and write, the
 * API's readChunk, both engines): the kernel's. An origin of B bytes has ⌈B / chunk bytes⌉ chunks;
 * the last may be partial, and then holds only the bytes up to the origin's end: reading it gives
 * those bytes, and a write into it must end at the origin's end.
 */
export interface OriginExtent {
  name: string;
  size: number;
}

export function originChunkCount(originBytes: number, chunkBytes: number): number {
  return Math.ceil(originBytes / chunkBytes);
}

/** The bytes origin chunk `chunk` holds (chunkBytes, fewer for a partial last chunk); past the end: not-found. */
export function originChunkBytes(origin: OriginExtent, chunkBytes: number, chunk: number): number {
  const count = originChunkCount(origin.size, chunkBytes);
  if (!Number.isSafeInteger(chunk) || chunk < 0 || chunk >= count) {
    throw new SnapscopeError('not-found', `origin chunk ${chunk} is past the end of the origin ${origin.name} (${describeOrigin(origin, chunkBytes)})`, { device: origin.name, chunk });
  }
  return Math.min(chunkBytes, origin.size - chunk * chunkBytes);
}

/** A write of `length` bytes at byte `offset` of origin chunk `chunk` (possibly running into the next chunks) stays inside the origin. */
export function checkOriginWrite(origin: OriginExtent, chunkBytes: number, chunk: number, offset: number, length: number): void {
  originChunkBytes(origin, chunkBytes, chunk);
  const end = chunk * chunkBytes + offset + length;
  if (end > origin.size) {
    const last = Math.floor((end - 1) / chunkBytes);
    throw new SnapscopeError(
      'not-found',
      `${length} bytes at origin chunk ${chunk}${offset ? ` + ${offset}` : ''} run to ${last === chunk ? `byte ${end - chunk * chunkBytes} of it` : `chunk ${last}`}, past the end of the origin ${origin.name} (${describeOrigin(origin, chunkBytes)})`,
      { device: origin.name, chunk: Math.min(last, originChunkCount(origin.size, chunkBytes)) },
    );
  }
}

/** "11 chunks of 4096 bytes, the last one 512 bytes" */
function describeOrigin(origin: OriginExtent, chunkBytes: number): string {
  const count = originChunkCount(origin.size, chunkBytes);
  const tail = origin.size % chunkBytes;
  return `${count} chunk${count === 1 ? '' : 's'} of ${chunkBytes} bytes${tail ? `, the last one ${tail} bytes` : ''}`;
}

/** The shared format copies whole chunks: it cannot hold a copy of a partial last origin chunk. */
export function checkWholeOriginChunk(origin: OriginExtent, chunkBytes: number, chunk: number): void {
  const bytes = originChunkBytes(origin, chunkBytes, chunk);
  if (bytes < chunkBytes) {
    throw new SnapscopeError('unsupported', `origin chunk ${chunk} is the partial last chunk of the origin ${origin.name} (${bytes} of ${chunkBytes} bytes): a shared store copies whole chunks, so it cannot be written (it can be read)`, { device: origin.name, chunk });
  }
}
