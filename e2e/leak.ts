import fs from 'node:fs';
import { expect } from 'vitest';
import { cliJson } from './demo-store.ts';

/** Marks a free chunk used in the bitmap (check: s-bitmap-leak, a warning; the store still opens); returns that chunk. */
export function leakOneChunk(cow: string): number {
  const { chunkCount, chunkBytes } = cliJson<{ chunkCount: number; chunkBytes: number }>('info', cow);
  const chunk = chunkCount - 3;
  leakChunks(cow, chunkBytes, [chunk]);
  return chunk;
}

/** Marks free chunks used in a shared store's bitmap (it starts at chunk 1): leaks, which check warns of. */
export function leakChunks(cow: string, chunkBytes: number, chunks: readonly number[]): void {
  const fd = fs.openSync(cow, 'r+');
  try {
    for (const chunk of chunks) {
      const at = chunkBytes + (chunk >> 3);
      const byte = Buffer.alloc(1);
      fs.readSync(fd, byte, 0, 1, at);
      expect(byte[0]! & (1 << (chunk & 7)), `chunk ${chunk} free before`).toBe(0);
      byte[0] = byte[0]! | (1 << (chunk & 7));
      fs.writeSync(fd, byte, 0, 1, at);
    }
  } finally {
    fs.closeSync(fd);
  }
}
