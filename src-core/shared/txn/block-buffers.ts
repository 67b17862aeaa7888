/**
 * Memory for cached blocks. `new Uint8Array(4096)` cost 4–20 µs on the bench machine (each is its
 * own backing store, counted as external memory that prompts collections), more than the read it
 * fills when the tree outgrows the cache. So buffers are carved from slabs, and an evicted block's
 * buffer is reused by the next load instead of left to the collector.
 */

/** Buffers per slab. */
const SLAB_BLOCKS = 64;
/** Evicted buffers kept for reuse at most (eviction and loads alternate, so a few suffice). */
const MAX_SPARE = 256;

export class BlockBuffers {
  private readonly spare: Uint8Array[] = [];
  private slab: ArrayBuffer | null = null;
  private used = SLAB_BLOCKS;
  /** Buffers carved from slabs so far: the memory the cache has ever needed at once, plus slab rounding. */
  carved = 0;

  constructor(private readonly bytes: number) {}

  /** A buffer of the block size with undefined contents: the caller overwrites all of it. */
  take(): Uint8Array {
    const b = this.spare.pop();
    if (b !== undefined) return b;
    if (this.used === SLAB_BLOCKS) {
      this.slab = new ArrayBuffer(this.bytes * SLAB_BLOCKS);
      this.used = 0;
    }
    this.carved++;
    return new Uint8Array(this.slab!, this.bytes * this.used++, this.bytes);
  }

  /** A buffer of an evicted block: no view of it may be used again. */
  give(b: Uint8Array): void {
    if (this.spare.length < MAX_SPARE) this.spare.push(b);
  }
}
