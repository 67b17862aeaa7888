/**
 * Next-fit allocation over the in-memory bitmap. Frees of chunks the last commit references are
 * deferred by the transaction manager (they become free after the next commit); this class only
 * flips bits and remembers which bitmap chunks changed.
 */
import { SnapscopeError } from '../../errors.ts';
import { clearBit, setBit, testBit } from '../format/bitmap.ts';

export class BitmapAllocator {
  private readonly words: Uint32Array;
  private cursorWord = 0;
  /** Bitmap chunk indexes (0 = chunk 1 on disk) changed since the last commit. */
  readonly dirtyChunks = new Set<number>();
  freeCount: number;

  constructor(
    readonly bits: Uint8Array,
    readonly chunkCount: number,
    private readonly chunkBytes: number,
    private readonly device: string,
  ) {
    this.words = new Uint32Array(bits.buffer, bits.byteOffset, bits.length >>> 2);
    let used = 0;
    for (let i = 0; i < bits.length; i++) used += popcount8(bits[i]!);
    // Bits past the device end are always set; they are not chunks.
    this.freeCount = bits.length * 8 - used;
  }

  isUsed(chunk: number): boolean {
    return testBit(this.bits, chunk);
  }

  /** Takes the next free chunk at or after the cursor, wrapping once; 'no-space' when none. */
  allocate(): number {
    const words = this.words;
    const n = words.length;
    for (let pass = 0; pass < 2; pass++) {
      const from = pass === 0 ? this.cursorWord : 0;
      const to = pass === 0 ? n : this.cursorWord;
      for (let w = from; w < to; w++) {
        if (words[w] === 0xffffffff) continue;
        for (let b = w * 4; b < w * 4 + 4; b++) {
          const byte = this.bits[b]!;
          if (byte === 0xff) continue;
          const bit = 31 - Math.clz32(~byte & (byte + 1));
          const chunk = b * 8 + bit;
          this.mark(chunk);
          this.cursorWord = w;
          return chunk;
        }
      }
    }
    throw new SnapscopeError('no-space', `${this.device} is full: no free chunk left`, { device: this.device });
  }

  /** Moves the next-fit cursor back to `chunk` (after a commit released chunks below it). */
  rewindTo(chunk: number): void {
    this.cursorWord = Math.min(this.cursorWord, chunk >>> 5);
  }

  /** Marks a chunk used (format, tests). */
  mark(chunk: number): void {
    setBit(this.bits, chunk);
    this.freeCount--;
    this.dirtyChunks.add(Math.floor(chunk / (this.chunkBytes * 8)));
  }

  release(chunk: number): void {
    if (!testBit(this.bits, chunk)) {
      throw new SnapscopeError('corrupt', `chunk ${chunk} freed twice`, { device: this.device, chunk });
    }
    clearBit(this.bits, chunk);
    this.freeCount++;
    this.dirtyChunks.add(Math.floor(chunk / (this.chunkBytes * 8)));
  }

  /** Bytes of bitmap chunk `index` (0-based), a view into the in-memory bitmap. */
  chunkBytesOf(index: number): Uint8Array {
    return this.bits.subarray(index * this.chunkBytes, (index + 1) * this.chunkBytes);
  }
}

function popcount8(x: number): number {
  x = x - ((x >> 1) & 0x55);
  x = (x & 0x33) + ((x >> 2) & 0x33);
  return (x + (x >> 4)) & 0x0f;
}
