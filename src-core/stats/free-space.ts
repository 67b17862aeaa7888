/**
 * Free chunks and free runs (fragmentation) of a shared store's bitmap, fed one bitmap chunk at a
 * time as the checker's walk reads it: no second read of the bitmap and no flat copy of it (512
 * MiB at the format's 2^32 chunks), and a word at a time where a word is all used or all free (a
 * bit at a time was 40 s there).
 */
import { testBit } from '../shared/format/bitmap.ts';
import { LITTLE_ENDIAN_HOST } from '../shared/format/le.ts';

export interface FreeSpace {
  free: number;
  freeRuns: number;
  largestFreeRun: number;
}

export class FreeSpaceCount {
  private free = 0;
  private runs = 0;
  private run = 0;
  private largest = 0;

  constructor(
    private readonly chunkBytes: number,
    private readonly chunkCount: number,
  ) {}

  /** Bitmap chunk `index` (0 = chunk 1 on disk); chunks come in order, each once. */
  add(index: number, bytes: Uint8Array): void {
    const base = index * this.chunkBytes * 8;
    const bits = Math.min(this.chunkBytes * 8, this.chunkCount - base);
    // (A word's bit j is bit 32w + j only on a little-endian host; elsewhere a bit at a time.)
    const whole = LITTLE_ENDIAN_HOST && bytes.byteOffset % 4 === 0 ? bits >>> 5 : 0;
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, whole);
    for (let w = 0; w < whole; w++) {
      const m = words[w]!;
      if (m === 0xffff_ffff) this.run = 0;
      else if (m === 0) this.freeSpan(32);
      else this.bits(bytes, w * 32, w * 32 + 32);
    }
    this.bits(bytes, whole * 32, bits);
  }

  result(): FreeSpace {
    return { free: this.free, freeRuns: this.runs, largestFreeRun: this.largest };
  }

  private bits(bytes: Uint8Array, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      if (testBit(bytes, i)) this.run = 0;
      else this.freeSpan(1);
    }
  }

  /** `n` free chunks in a row, going on from the run before them. */
  private freeSpan(n: number): void {
    this.free += n;
    if (this.run === 0) this.runs++;
    this.run += n;
    if (this.run > this.largest) this.largest = this.run;
  }
}
