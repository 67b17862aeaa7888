import { EXCEPTION_BYTES } from './leaf.ts';

/**
 * What one LeafView.clearBits dropped and unshared, reused from leaf to leaf (a snapshot delete
 * passes a million exceptions through it, and arrays per leaf were garbage to collect).
 */
export class LeafClearing {
  /** Dropped exceptions as (origin, chunk) pairs, in origin order, from `freedAt` to the end. */
  readonly freed: Float64Array;
  freedAt: number;
  /** Exceptions that lost a bit but stay, as (origin, chunk, lo, hi), in origin order, from `unsharedAt` to the end. */
  readonly unshared: Float64Array;
  unsharedAt: number;
  /** The leaf's using_mask after the clear. */
  usingLo = 0;
  usingHi = 0;

  /** Room for every exception a leaf of `chunkBytes` can hold (each takes EXCEPTION_BYTES). */
  constructor(chunkBytes: number) {
    const most = Math.floor(chunkBytes / EXCEPTION_BYTES);
    this.freed = new Float64Array(2 * most);
    this.unshared = new Float64Array(4 * most);
    this.freedAt = this.freed.length;
    this.unsharedAt = this.unshared.length;
  }
}
