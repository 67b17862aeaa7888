/**
 * A bounded cache of metadata blocks (nodes, leaves), trimmed by CLOCK (second chance, earned by a
 * use after the load: see makeBlock). A dirty
 * block is always a chunk shadowed in the current transaction, which the last commit does not
 * reference, so eviction may write it out early without harming crash safety.
 */
import type { BlockDevice } from '../../io/block-device.ts';
import type { LeafView } from '../format/leaf.ts';
import type { NodeView } from '../format/node.ts';
import { BlockBuffers } from './block-buffers.ts';
import { ChunkTable } from './chunk-table.ts';

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

/** Blocks per vectored write (IOV_MAX is 1024 on Linux). */
const MAX_RUN = 256;
const byChunk = (a: Block, b: Block): number => a.chunk - b.chunk;

/**
 * A block enters the cache without its second chance: one read and never touched again (a random
 * leaf in a tree larger than the cache) goes before blocks used again since the hand last passed,
 * such as the interior nodes every probe walks through and leaves that take repeated writes.
 */
export function makeBlock(chunk: number, bytes: Uint8Array): Block {
  return { chunk, bytes, dirty: false, ref: false, node: null, leaf: null };
}

export class BlockCache {
  private readonly blocks = new ChunkTable<Block>();
  /** The CLOCK hand: a slot of `blocks`. */
  private hand = 0;
  /**
   * Blocks made dirty since the last flush, the first `dirtyCount` entries: a commit writes these
   * without scanning the cache. The array is reused (emptying it every commit showed in profiles).
   */
  private readonly dirtyList: (Block | undefined)[] = [];
  private dirtyCount = 0;
  /** One vectored write's parts: empty between flushes. */
  private readonly parts: Uint8Array[] = [];
  /** Blocks written out by eviction (for stats and tests). */
  evictedDirty = 0;
  /** Buffers for blocks: evicted blocks' buffers are reused (see `trim`). */
  readonly buffers: BlockBuffers;

  constructor(
    private readonly dev: BlockDevice,
    private readonly chunkBytes: number,
    readonly capacity: number,
  ) {
    this.buffers = new BlockBuffers(chunkBytes);
  }

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
    this.dirtyList[this.dirtyCount++] = block;
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
    const b = this.blocks.delete(chunk);
    if (b) b.dirty = false;
  }

  writeBack(block: Block): void {
    this.dev.write(block.chunk * this.chunkBytes, block.bytes);
    block.dirty = false;
  }

  /**
   * Writes every dirty block (commit). With a device that takes vectored writes, blocks go in
   * chunk order and each run of adjacent chunks is one request (a shadowed path usually is one).
   * The live dirty blocks are packed to the front of the reused dirty list: a commit after every
   * insert flushes a few blocks, and an array emptied per commit (`length = 0` drops its backing
   * store) was a tenth of a strict commit.
   */
  flushDirty(): void {
    // Blocks written by eviction or dropped (freed) since are no longer dirty: skipped.
    const list = this.dirtyList;
    const n = this.dirtyCount;
    this.dirtyCount = 0;
    let live = 0;
    for (let i = 0; i < n; i++) {
      const b = list[i]!;
      list[i] = undefined;
      if (b.dirty) list[live++] = b;
    }
    try {
      if (this.dev.writev && live > 1) this.writeRuns(list.slice(0, live) as Block[]);
      else for (let i = 0; i < live; i++) this.writeBack(list[i]!);
    } finally {
      for (let i = 0; i < live; i++) list[i] = undefined;
    }
  }

  private writeRuns(dirty: Block[]): void {
    const cb = this.chunkBytes;
    const parts = this.parts;
    dirty.sort(byChunk);
    for (let i = 0; i < dirty.length; ) {
      let j = i + 1;
      while (j < dirty.length && j - i < MAX_RUN && dirty[j]!.chunk === dirty[j - 1]!.chunk + 1) j++;
      if (j - i === 1) this.writeBack(dirty[i]!);
      else {
        for (let k = i; k < j; k++) parts.push(dirty[k]!.bytes);
        try {
          this.dev.writev!(dirty[i]!.chunk * cb, parts);
        } finally {
          parts.length = 0;
        }
        for (let k = i; k < j; k++) dirty[k]!.dirty = false;
      }
      i = j;
    }
  }

  clear(): void {
    this.blocks.clear();
    this.dirtyList.length = 0;
    this.dirtyCount = 0;
  }

  /** Evicts down to capacity; views of evicted blocks must not be used again (their buffers are reused). */
  trim(): void {
    const blocks = this.blocks;
    while (blocks.size > this.capacity) {
      if (this.hand >= blocks.slots) this.hand = 0;
      const b = blocks.valueAt(this.hand);
      if (b === undefined || b.ref) {
        // Touched since the hand last passed: a second chance.
        if (b) b.ref = false;
        this.hand++;
        continue;
      }
      if (b.dirty) {
        this.writeBack(b);
        this.evictedDirty++;
      }
      // The slot may now hold a later entry of its probe run: the hand looks at it next.
      blocks.deleteAt(this.hand);
      // Views of an evicted block are not used again (callers re-read after a trim), so its
      // buffer can hold the next block read.
      this.buffers.give(b.bytes);
    }
  }
}
