/**
 * The shadowing transaction manager. A block the last commit references is never written:
 * changing it first moves it to a newly allocated chunk (`shadow`), and frees of such chunks wait
 * until the next commit is durable. `commit` writes new blocks, then the bitmap (which therefore
 * marks old ∪ new), then the one-sector header: the commit point.
 */
import { SnapscopeError } from '../../errors.ts';
import type { EventSink } from '../../events.ts';
import type { ChunkRole } from '../../events.ts';
import type { BlockDevice } from '../../io/block-device.ts';
import { FIRST_BITMAP_CHUNK } from '../format/bitmap.ts';
import { LeafView } from '../format/leaf.ts';
import { NodeView, type DecodeContext } from '../format/node.ts';
import type { BitmapAllocator } from '../alloc/bitmap-allocator.ts';
import { BlockCache, makeBlock, type Block } from './block-cache.ts';
import { ChunkSet } from './chunk-set.ts';
import { ChunkRoles } from './roles.ts';

export class Transaction {
  /** Chunks allocated since the last commit: not referenced on disk, so changed in place and freed at once. */
  private readonly fresh = new ChunkSet();
  /** Exception chunks in `fresh`: while none, every exception chunk freed is the last commit's. */
  private freshExceptions = 0;
  readonly roles = new ChunkRoles();
  readonly cache: BlockCache;
  /** Snapshot mask leaves are validated against. */
  snapLo = 0;
  snapHi = 0;
  private changed = false;
  /**
   * Changes whenever a cached block may have left the cache (a trim that evicted, a freed block
   * dropped): blocks held from before may be stale (ExceptionTree.addProbed checks it). Set in
   * the constructor, as a second write (see ChunkTable's slots): its first change, often long
   * after the insert paths were compiled, then deoptimizes none of them.
   */
  cacheEpoch!: number;
  /** `writeReleasedFrees` wrote bitmap sectors that no flush has covered yet. */
  private freesUnflushed = false;

  constructor(
    readonly dev: BlockDevice,
    readonly chunkBytes: number,
    readonly alloc: BitmapAllocator,
    readonly ctx: Omit<DecodeContext, 'path'>,
    cacheBlocks: number,
    readonly events: EventSink | undefined,
  ) {
    this.cache = new BlockCache(dev, chunkBytes, Math.max(64, cacheBlocks));
    this.cacheEpoch = 0;
  }

  /** Whether anything changed since the last commit. */
  get dirty(): boolean {
    return this.changed || this.alloc.dirty;
  }

  /**
   * Whether an operation changed anything since the last commit (frees that a commit made take
   * effect, and reach the bitmap only with the next one, do not count).
   */
  get changedSinceCommit(): boolean {
    return this.changed;
  }

  /** Something outside blocks changed (header fields, labels). */
  touch(): void {
    this.changed = true;
  }

  isFresh(chunk: number): boolean {
    return this.fresh.has(chunk);
  }

  /** A validated node; `path[0..depth)` are the chunks above it (named in errors). */
  readNode(chunk: number, path: readonly number[], depth: number): NodeView {
    return this.nodeBlock(chunk, path, depth).node!;
  }

  readLeaf(chunk: number, path: readonly number[], depth: number): LeafView {
    return this.leafBlock(chunk, path, depth).leaf!;
  }

  /** The node in `chunk`, validated and ready to change (see `shadow`). */
  ownNode(chunk: number, path: readonly number[], depth: number): NodeView {
    return this.shadow(this.nodeBlock(chunk, path, depth), 'node').node!;
  }

  // Open's walk (walk/shared.ts) vouched for every committed block in `roles`; blocks this
  // transaction made are added as they are allocated. Any other chunk is not a usable block.
  // A cached block with its view made is known to be one: blocks enter the cache only after the
  // role check (or as new blocks with their role), and a chunk loses its role only by a free (which
  // drops its block) or a shadow (which moves the block to a chunk of the same role).
  nodeBlock(chunk: number, path: readonly number[], depth: number): Block {
    const hit = this.cache.get(chunk);
    if (hit !== undefined && hit.node !== null) return hit;
    if (!this.roles.nodes.has(chunk)) this.notABlock(chunk, 'node', path, depth);
    const b = this.load(chunk);
    b.node ??= new NodeView(chunk, b.bytes);
    return b;
  }

  leafBlock(chunk: number, path: readonly number[], depth: number): Block {
    const hit = this.cache.get(chunk);
    if (hit !== undefined && hit.leaf !== null) return hit;
    if (!this.roles.leaves.has(chunk)) this.notABlock(chunk, 'leaf', path, depth);
    const b = this.load(chunk);
    if (!b.leaf) {
      b.leaf = new LeafView(chunk, b.bytes);
      // The seed never maintained using_mask (0); the engine's fast paths need the union.
      if (b.leaf.usingLo === 0 && b.leaf.usingHi === 0) b.leaf.recomputeUsing();
    }
    return b;
  }

  private notABlock(chunk: number, kind: 'node' | 'leaf', path: readonly number[], depth: number): never {
    const at = [...path.slice(0, depth), chunk];
    throw new SnapscopeError('corrupt', `${this.ctx.device}: chunk ${chunk} is not a B-tree ${kind} the walk could vouch for (the tree is damaged there: run snapscope check) (path ${at.join(' > ')})`, {
      device: this.ctx.device,
      chunk,
      path: at,
    });
  }

  /**
   * A cached block to change (one of `nodeBlock`/`leafBlock` with no trim since: ownNode/ownLeaf
   * without the lookup): itself if allocated in this transaction, else moved to a new chunk.
   */
  shadow(b: Block, role: 'node' | 'leaf'): Block {
    const chunk = b.chunk;
    this.changed = true;
    // Only a block of this transaction is dirty (block-cache.ts), so this one is changed in place
    // without a look in the fresh set (one per level of every insert).
    if (b.dirty) return b;
    if (this.fresh.has(chunk)) {
      this.cache.markDirty(b);
      return b;
    }
    const to = this.allocate(role);
    // The committed copy stays on disk; memory needs only the new one, so the block and its views
    // move to the new chunk instead of being copied (a view still held sees the same bytes).
    this.cache.move(b, to);
    this.cache.markDirty(b);
    this.events?.({ type: 'shadow', from: chunk, to, role });
    this.deferFree(chunk, role);
    return b;
  }

  newNode(): NodeView {
    const b = makeBlock(this.allocate('node'), this.cache.buffers.take());
    b.node = new NodeView(b.chunk, b.bytes);
    b.node.init();
    this.cache.put(b);
    this.cache.markDirty(b);
    return b.node;
  }

  newLeaf(baseChunk: number): LeafView {
    const b = makeBlock(this.allocate('leaf'), this.cache.buffers.take());
    b.leaf = new LeafView(b.chunk, b.bytes);
    b.leaf.init(baseChunk);
    this.cache.put(b);
    this.cache.markDirty(b);
    return b.leaf;
  }

  /** A chunk for exception data or a label block (not cached). */
  allocate(role: ChunkRole): number {
    const chunk = this.alloc.allocate();
    this.fresh.add(chunk);
    if (role === 'exception') this.freshExceptions++;
    this.roles.add(chunk, role);
    this.changed = true;
    this.events?.({ type: 'allocate', chunk, role });
    return chunk;
  }

  /** Frees now if this transaction allocated it, else after the next commit. */
  free(chunk: number, role: ChunkRole): void {
    // Exception data is never cached: only a block's chunk can have a cached (maybe dirty) copy.
    if (role !== 'exception') {
      this.cache.drop(chunk);
      this.cacheEpoch++;
    }
    if (!this.fresh.delete(chunk)) return this.deferFree(chunk, role);
    if (role === 'exception') this.freshExceptions--;
    this.roles.remove(chunk, role);
    this.changed = true;
    this.alloc.release(chunk);
    this.events?.({ type: 'free', chunk, role });
  }

  /**
   * Frees the exception chunks values[from], values[from + step], … (a leaf's drops in a snapshot
   * delete, a million in all). With no listener and no exception chunk of this transaction, each is
   * the last commit's: they join the pending frees at once, without a look in the fresh set each.
   */
  freeExceptions(values: Float64Array, from: number, step: number): void {
    if (this.events !== undefined || this.freshExceptions !== 0) {
      for (let k = from; k < values.length; k += step) this.free(values[k]!, 'exception');
      return;
    }
    this.changed = true;
    this.roles.pendingFree.addEvery(values, from, step);
  }

  /** A chunk the last commit references stays marked until the next commit is durable. */
  private deferFree(chunk: number, role: ChunkRole): void {
    this.roles.remove(chunk, role);
    this.changed = true;
    this.roles.pendingFree.add(chunk);
    this.events?.({ type: 'free', chunk, role });
  }

  /** Evicts down to the cache's capacity; callers re-read any view they hold afterwards. */
  trim(): void {
    const before = this.cache.size;
    this.cache.trim();
    if (this.cache.size !== before) this.cacheEpoch++;
  }

  private readonly writeBitmap = (offset: number, bytes: Uint8Array): void => {
    this.dev.write(FIRST_BITMAP_CHUNK * this.chunkBytes + offset, bytes);
  };

  /**
   * A commit is `writeBlocks`, the caller's header sector write, then `finishCommit`: new blocks
   * and the bitmap, flush, header sector, flush; then deferred frees take effect in memory (the
   * disk sees them in the next commit's bitmap). Blocks and bitmap need no order between them: the
   * blocks go to chunks the committed header does not reference, and the bitmap written marks
   * everything that header references (its frees are deferred until this commit is durable), so
   * either may land first; both must be on disk before the header.
   */
  writeBlocks(): void {
    this.cache.flushDirty();
    this.alloc.flushDirty(this.writeBitmap);
    this.dev.flush();
    this.freesUnflushed = false;
  }

  /** After the header sector: flush it, then release what this commit freed. */
  finishCommit(): void {
    this.dev.flush();
    const lowest = this.roles.pendingFree.releaseInto(this.alloc);
    // Reuse what this commit freed before moving on: keeps shadow churn within a small area.
    if (lowest !== Infinity) this.alloc.rewindTo(lowest);
    this.fresh.clear();
    this.freshExceptions = 0;
    this.changed = false;
  }

  /**
   * Writes the bitmap sectors of the frees the last commit released, when nothing else changed
   * since: no flush, no header (see store/commit.ts). The next commit's flush covers them.
   */
  writeReleasedFrees(): void {
    this.alloc.flushDirty(this.writeBitmap);
    this.freesUnflushed = true;
  }

  /** Flushes bitmap writes of `writeReleasedFrees` no commit has flushed since (close). */
  flushReleasedFrees(): void {
    if (!this.freesUnflushed) return;
    this.dev.flush();
    this.freesUnflushed = false;
  }

  private load(chunk: number): Block {
    const hit = this.cache.get(chunk);
    if (hit) return hit;
    const bytes = this.cache.buffers.take();
    this.dev.read(chunk * this.chunkBytes, bytes);
    const b = makeBlock(chunk, bytes);
    this.cache.put(b);
    return b;
  }
}
