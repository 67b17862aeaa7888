/**
 * Reads of whole chunks for a walk that mostly goes forward through the device (check, open): once
 * a few reads have asked for the chunks just after the last, each read fetches a window ahead of it
 * in one request, and the next reads come from memory. A walk of a store laid out in order (restore,
 * sequential inserts) then issues one read per window instead of one per block — on a 5M-exception
 * store the per-block reads were most of check's time. Scattered reads fall back to one chunk each.
 */
import type { BlockDevice } from './block-device.ts';

/** Most bytes one read fetches (64 chunks of 4 KiB; one chunk when chunks are larger). */
const MAX_WINDOW_BYTES = 256 << 10;
/** A read this many chunks past the last one still counts as going forward. */
const NEAR = 8;

export class ReadAhead {
  private window: Uint8Array;
  /** Chunks [first, first + count) are in `window`. */
  private first = -1;
  private count = 0;
  /** Chunks the next fetch reads: doubles while reads go forward, back to 1 on a jump. */
  private want = 1;
  private last = -Infinity;
  private readonly most: number;

  constructor(
    private readonly dev: BlockDevice,
    private readonly chunkBytes: number,
  ) {
    this.window = new Uint8Array(chunkBytes);
    this.most = Math.max(1, Math.floor(MAX_WINDOW_BYTES / chunkBytes));
  }

  /** Fills `dst` (one chunk) with chunk `chunk`. */
  read(chunk: number, dst: Uint8Array): void {
    const cb = this.chunkBytes;
    const forward = chunk > this.last && chunk - this.last <= NEAR;
    this.last = chunk;
    if (chunk >= this.first && chunk < this.first + this.count) {
      const at = (chunk - this.first) * cb;
      dst.set(this.window.subarray(at, at + cb));
      return;
    }
    this.want = forward ? Math.min(this.most, this.want * 2) : 1;
    const n = Math.max(1, Math.min(this.want, Math.floor(this.dev.size / cb) - chunk));
    if (n === 1) {
      this.dev.read(chunk * cb, dst);
      return;
    }
    if (this.window.length < n * cb) this.window = new Uint8Array(this.most * cb);
    const bytes = this.window.subarray(0, n * cb);
    this.count = 0;
    try {
      this.dev.read(chunk * cb, bytes);
    } catch {
      // A bad sector ahead is no error of this chunk's: read it alone (which fails naming it if it is bad).
      this.want = 1;
      this.dev.read(chunk * cb, dst);
      return;
    }
    this.first = chunk;
    this.count = n;
    dst.set(bytes.subarray(0, cb));
  }
}
