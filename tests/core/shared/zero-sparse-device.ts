/**
 * A device of the format's limit (2^32 - 1 chunks of 4 KiB, 16 TiB) that keeps only chunks that
 * are not all zeros, as a sparse file does: for the tests of memory at that size.
 */
import { SnapscopeError } from '../../../src-core/errors.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';

export const CHUNK = 4096;
export const CHUNKS = 2 ** 32 - 1;

export class ZeroSparseDevice implements BlockDevice {
  readonly name = 'sparse16t';
  readonly readOnly = false;
  readonly size = CHUNKS * CHUNK;
  readonly chunks = new Map<number, Uint8Array>();
  read(offset: number, dst: Uint8Array): void {
    this.each(offset, dst.length, (c, within, done, n) => {
      const held = this.chunks.get(c);
      if (held) dst.set(held.subarray(within, within + n), done);
      else dst.fill(0, done, done + n);
    });
  }
  write(offset: number, src: Uint8Array): void {
    this.each(offset, src.length, (c, within, done, n) => {
      const part = src.subarray(done, done + n);
      let held = this.chunks.get(c);
      if (!held) {
        if (allZero(part)) return;
        held = new Uint8Array(CHUNK);
        this.chunks.set(c, held);
      }
      held.set(part, within);
      if (allZero(held)) this.chunks.delete(c);
    });
  }
  flush(): void {}
  close(): void {}
  private each(offset: number, length: number, visit: (chunk: number, within: number, done: number, n: number) => void): void {
    if (offset < 0 || offset + length > this.size) throw new SnapscopeError('io', `past the end of ${this.name}`);
    for (let done = 0; done < length; ) {
      const at = offset + done;
      const c = Math.floor(at / CHUNK);
      const within = at - c * CHUNK;
      const n = Math.min(CHUNK - within, length - done);
      visit(c, within, done, n);
      done += n;
    }
  }
}

/** Whether every byte is zero (format writes 512 MiB of zero bitmap). */
function allZero(bytes: Uint8Array): boolean {
  const aligned = bytes.byteOffset % 4 === 0 && bytes.length % 4 === 0;
  const words = aligned ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) : bytes;
  for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
  return true;
}

export const rssMiB = () => process.memoryUsage().rss / 2 ** 20;
