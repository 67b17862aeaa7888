/**
 * A bounded cache of metadata blocks (nodes, leaves), trimmed by CLOCK (second chance). A dirty
 * block is always a chunk shadowed in the current transaction, which the last commit does not
 * reference, so eviction may write it out early without harming crash safety.
 */
import type { BlockDevice } from '../../io/block-device.ts';
import type { LeafView } from '../format/leaf.ts';
import type { NodeView } from '../format/node.ts';

export interface Block {
  /** Changes when the block is shadowed: the bytes move to the new chunk (`BlockCache.move`). */
  chunk: number;
  readonly bytes: Uint8Array;
  dirty: boolean;
  /** Second-chance bit: touched since the clock hand last passed. */
  ref: boolean;
  node: NodeView | null;
  leaf: LeafView | null;
}

export function makeBlock(chunk: number, bytes: Uint8Array): Block {
  return { chunk, bytes, dirty: false, ref: true, node: null, leaf: null };
}

export class BlockCache {
  private readonly blocks = new Map<number, Block>();
  /** Blocks made dirty since the last flush: a commit writes these without scanning the cache. */
  private readonly dirtyList: Block[] = [];
  /** Blocks written out by eviction (for stats and tests). */
  evictedDirty = 0;

  constructor(
    private readonly dev: BlockDevice,
    private readonly chunkBytes: number,
    readonly capacity: number,
  ) {}

  get size(): number {
    return this.blocks.size;
  }

  get(chunk: number): Block | undefined {
    const b = this.blocks.get(chunk);
    if (b) b.ref = true;
    return b;
  }

  /**
   * Adds a block (read from disk or new). Never evicts: callers hold views across an operation,
   * so eviction happens only at `trim`, between operations or where the tree re-reads its path.
   */
  put(block: Block): void {
    this.blocks.set(block.chunk, block);
  }

  /** Marks a cached block to be written at the next flush (or when evicted). */
  markDirty(block: Block): void {
    if (block.dirty) return;
    block.dirty = true;
    this.dirtyList.push(block);
  }

  /** Re-keys `block` (and its views) to chunk `to`: shadowing moves the bytes instead of copying them. */
  move(block: Block, to: number): void {
    this.blocks.delete(block.chunk);
    block.chunk = to;
    if (block.node) block.node.chunk = to;
    if (block.leaf) block.leaf.chunk = to;
    this.blocks.set(to, block);
  }

  /** Forgets `chunk`'s block; a dirty one is never written (its chunk was freed and may be reused). */
  drop(chunk: number): void {
    const b = this.blocks.get(chunk);
    if (!b) return;
    b.dirty = false;
    this.blocks.delete(chunk);
  }

  writeBack(block: Block): void {
    this.dev.write(block.chunk * this.chunkBytes, block.bytes);
    block.dirty = false;
  }

  /** Writes every dirty block (commit). */
  flushDirty(): void {
    // A block evicted (written) and dirtied again is listed twice; `dirty` skips the stale entry.
    for (const b of this.dirtyList) if (b.dirty) this.writeBack(b);
    this.dirtyList.length = 0;
  }

  clear(): void {
    this.blocks.clear();
    this.dirtyList.length = 0;
  }

  /** Evicts down to capacity. */
  trim(): void {
    // Sweep in insertion order; touched blocks get a second chance at the back.
    while (this.blocks.size > this.capacity) {
      const first = this.blocks.values().next();
      if (first.done) return;
      const b = first.value;
      this.blocks.delete(b.chunk);
      if (b.ref) {
        b.ref = false;
        this.blocks.set(b.chunk, b);
        continue;
      }
      if (b.dirty) {
        this.writeBack(b);
        this.evictedDirty++;
      }
    }
  }
}
