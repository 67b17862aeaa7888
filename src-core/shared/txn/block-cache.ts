/**
 * A bounded cache of metadata blocks (nodes, leaves), trimmed by CLOCK (second chance). A dirty
 * block is always a chunk shadowed in the current transaction, which the last commit does not
 * reference, so eviction may write it out early without harming crash safety.
 */
import type { BlockDevice } from '../../io/block-device.ts';
import { LeafView } from '../format/leaf.ts';
import { NodeView } from '../format/node.ts';

export interface Block {
  readonly chunk: number;
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

  /** Re-adds a block that was evicted while a caller still held it (its bytes are the truth). */
  ensure(block: Block): void {
    if (this.blocks.get(block.chunk) !== block) this.put(block);
  }

  drop(chunk: number): void {
    this.blocks.delete(chunk);
  }

  writeBack(block: Block): void {
    this.dev.write(block.chunk * this.chunkBytes, block.bytes);
    block.dirty = false;
  }

  /** Writes every dirty block (commit). */
  flushDirty(): void {
    for (const b of this.blocks.values()) if (b.dirty) this.writeBack(b);
  }

  clear(): void {
    this.blocks.clear();
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
