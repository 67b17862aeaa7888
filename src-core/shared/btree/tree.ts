/**
 * The exception B-tree: `levels` levels of index nodes above the leaves (the seed's tree_level).
 * Reads walk committed or fresh blocks; every change goes through `shadowPath`, which copies the
 * root-to-leaf path into fresh chunks once per transaction.
 */
import { SnapscopeError } from '../../errors.ts';
import type { EventSink } from '../../events.ts';
import { EXCEPTION_BYTES, LEAF_HEADER_BYTES, MAP_ENTRY_BYTES, type LeafView } from '../format/leaf.ts';
import { LeafClearing } from '../format/leaf-clearing.ts';
import { MAX_LEVELS, nodeCapacity, type NodeView } from '../format/node.ts';
import { toBigMask } from '../mask.ts';
import type { Block } from '../txn/block-cache.ts';
import type { Transaction } from '../txn/transaction.ts';

/**
 * A per-level array made at its full length (a path of MAX_LEVELS nodes and a leaf): one that
 * grew when the tree gained a level took the compiled descent out of bounds (a deoptimisation).
 */
function levelsArray<T>(fill: T): T[] {
  return new Array<T>(MAX_LEVELS + 1).fill(fill);
}

export class ExceptionTree {
  /** Chunks root→leaf of the last probe (levels + 1 entries valid). */
  readonly path: number[] = levelsArray(0);
  private readonly wNodes: (NodeView | null)[] = levelsArray(null);
  private readonly wIdx: number[] = levelsArray(0);
  /**
   * The last probe's blocks root→leaf and the child index it took at each node, for `addProbed`:
   * an insert right after its probe shadows these instead of walking the tree a second time.
   */
  private readonly probed: (Block | null)[] = levelsArray(null);
  private readonly probedIdx: number[] = levelsArray(0);
  /** What the kept probe is valid for: its origin, the root it started from and the cache epoch. */
  private probedOrigin = -1;
  private probedRoot = -1;
  private probedEpoch = -1;
  private readonly nodeCap: number;
  /** splitLeaf's choice, reused. */
  private readonly cut = new LeafCut();

  constructor(
    private readonly tx: Transaction,
    public root: number,
    public levels: number,
    private readonly events: EventSink | undefined,
  ) {
    this.nodeCap = nodeCapacity(tx.chunkBytes);
  }

  /** The leaf that holds (or would hold) `origin`, read-only. */
  probe(origin: number): LeafView {
    this.descend(origin);
    const path = this.path;
    this.events?.({ type: 'probe', origin, path: path.slice(0, this.levels + 1), leaf: path[this.levels]! });
    return this.probed[this.levels]!.leaf!;
  }

  /** Like probe, but shadows every block on the path and remembers the path for splits. */
  shadowPath(origin: number): LeafView {
    this.descend(origin);
    return this.shadowProbed();
  }

  /** Reads root→leaf towards `origin`, keeping each block and the child index taken (see addProbed). */
  private descend(origin: number): void {
    const path = this.path;
    const blocks = this.probed;
    let chunk = this.root;
    for (let l = 0; l < this.levels; l++) {
      path[l] = chunk;
      const b = this.tx.nodeBlock(chunk, path, l);
      blocks[l] = b;
      const node = b.node!;
      const i = node.search(origin);
      this.probedIdx[l] = i;
      chunk = node.child(i);
    }
    path[this.levels] = chunk;
    blocks[this.levels] = this.tx.leafBlock(chunk, path, this.levels);
    this.probedOrigin = origin;
    this.probedRoot = this.root;
    this.probedEpoch = this.tx.cacheEpoch;
  }

  /**
   * Adds exception `chunk` with share mask lo/hi to `origin`'s list, splitting leaves and nodes as
   * needed. The caller has checked capacity and free space, so this cannot fail half-way.
   */
  addException(origin: number, lo: number, hi: number, chunk: number): void {
    const leaf = this.shadowPath(origin);
    this.insertInto(leaf, origin, lo, hi, chunk, leaf.find(origin));
  }

  /**
   * `addException` right after `probe(origin)` with no tree or cache change since (the caller may
   * allocate chunks and copy data): the probed path is shadowed as `shadowPath` would shadow it, in
   * the same order, without a second descent; `found` is the probed leaf's `find(origin)`.
   */
  addProbed(origin: number, lo: number, hi: number, chunk: number, found: number): void {
    // Anything in between that probed (an event listener reading the store), changed the tree or
    // evicted blocks leaves the kept path stale: then walk as addException does.
    if (origin !== this.probedOrigin || this.root !== this.probedRoot || this.tx.cacheEpoch !== this.probedEpoch) {
      this.addException(origin, lo, hi, chunk);
      return;
    }
    this.insertInto(this.shadowProbed(), origin, lo, hi, chunk, found);
  }

  private insertInto(first: LeafView, origin: number, lo: number, hi: number, chunk: number, found: number): void {
    let leaf = first;
    let i = found;
    for (let splits = 0; ; splits++) {
      const need = EXCEPTION_BYTES + (i >= 0 ? 0 : MAP_ENTRY_BYTES);
      if (leaf.freeBytes() >= need) {
        if (i < 0) {
          i = -i - 1;
          leaf.insertOrigin(i, origin);
        }
        leaf.insertException(i, lo, hi, chunk);
        this.events?.({ type: 'exception-add', origin, chunk, share: toBigMask(lo, hi), leaf: leaf.chunk });
        return;
      }
      if (splits > 4) throw new SnapscopeError('corrupt', `leaf ${leaf.chunk} does not shrink when split`, { chunk: leaf.chunk });
      this.splitLeaf(leaf, origin, need);
      leaf = this.shadowPath(origin);
      i = leaf.find(origin);
    }
  }

  /**
   * Shadows the blocks `descend` kept, root first, and remembers the path for splits. One loop for
   * nodes and the leaf: a tree that gains a level then runs no code path the compiled loop has not
   * seen (a node below the root was such a path, and deoptimised it).
   */
  private shadowProbed(): LeafView {
    this.probedOrigin = -1;
    const blocks = this.probed;
    const levels = this.levels;
    if (levels === 0) throw new SnapscopeError('corrupt', 'B-tree has no levels', { field: 'tree_level' });
    let parent: NodeView | null = null;
    for (let l = 0; l <= levels; l++) {
      const b = this.tx.shadow(blocks[l]!, l === levels ? 'leaf' : 'node');
      const chunk = b.chunk;
      this.path[l] = chunk;
      if (parent === null) this.root = chunk;
      else {
        const i = this.probedIdx[l - 1]!;
        if (parent.child(i) !== chunk) parent.setChild(i, chunk);
      }
      if (l === levels) break;
      parent = b.node!;
      this.wNodes[l] = parent;
      this.wIdx[l] = this.probedIdx[l]!;
    }
    return blocks[levels]!.leaf!;
  }

  /**
   * Splits `leaf` so that `target` lands in a half with room if one split can do it, choosing
   * among all cut points the most balanced such one. Neither half is ever left out of the tree
   * (the seed's KNOWN-ISSUES #12), and the separator is always an origin strictly inside the leaf's
   * range, so keys stay ordered even when a half is empty.
   */
  private splitLeaf(leaf: LeafView, target: number, need: number): void {
    const cut = this.chooseCut(leaf, target, need);
    if (!cut.found) throw new SnapscopeError('capacity', `origin chunk ${target}'s exceptions do not fit one leaf`, { chunk: leaf.chunk });
    const right = this.tx.newLeaf(leaf.baseChunk);
    leaf.moveTail(cut.at, right);
    this.events?.({ type: 'leaf-split', leaf: leaf.chunk, newLeaf: right.chunk, key: cut.key });
    this.insertChild(this.levels - 1, this.wIdx[this.levels - 1]! + 1, cut.key, right.chunk);
  }

  /**
   * The cut for splitLeaf, tried in key order: before each origin of the leaf with `target` on
   * the side it sorts to, and when `target` is new, also just before it (it then starts the right
   * half). A few loops without a branch per cut: a split is rare, so its code often runs before
   * the optimiser has seen every branch, and each unseen one cost a deoptimisation.
   */
  private chooseCut(leaf: LeafView, target: number, need: number): LeafCut {
    const cut = this.cut.start(leaf, need);
    const n = leaf.count;
    const t = leaf.find(target);
    // The first origin index on the target's right: t + 1 when present, else its insertion index
    // -t - 1 (t ^ (t >> 31) is t or -t - 1), without a branch whose side the optimiser has not seen.
    const split = (t ^ (t >> 31)) + ((t >>> 31) ^ 1);
    for (let p = 1; p < split; p++) cut.consider(p, leaf.origin(p), false);
    // A new target may start the right half by itself.
    cut.considerIf(t < 0 && split >= 1, split, target);
    for (let p = split; p < n; p++) cut.consider(p, leaf.origin(p), true);
    return cut;
  }

  /** Inserts (key, child) at index `at` of the path node at `level`, splitting up to a new root. */
  private insertChild(level: number, at: number, key: number, child: number): void {
    const node = this.wNodes[level]!;
    if (node.count < this.nodeCap) {
      node.insert(at, key, child);
      return;
    }
    const half = node.count >>> 1;
    const sep = node.key(half);
    const right = this.tx.newNode();
    node.moveTail(half, right);
    if (at <= half) node.insert(at, key, child);
    else right.insert(at - half, key, child);
    this.events?.({ type: 'node-split', node: node.chunk, newNode: right.chunk, key: sep, level });
    if (level > 0) {
      this.insertChild(level - 1, this.wIdx[level - 1]! + 1, sep, right.chunk);
      return;
    }
    const root = this.tx.newNode();
    root.insert(0, 0, node.chunk);
    root.insert(1, sep, right.chunk);
    this.root = root.chunk;
    this.levels++;
    this.events?.({ type: 'new-root', root: root.chunk, levels: this.levels });
  }

  /**
   * Clears lo/hi from every share mask of origins ≥ `resume`, frees exceptions left unshared,
   * merges a leaf into its left sibling when its payload fits the sibling's free space and a node
   * into its left sibling when their entries fit one node (the seed's rules), then drops levels
   * while the root has one child. Only blocks that change are shadowed. When fewer than `margin`
   * chunks are free it stops before the next leaf and returns the origin to resume from (the
   * caller commits, which frees what this pass released); null when done. Origins from `end` on
   * keep their bits (a merge clears one batch at a time). `onCleared` hears each leaf that changed
   * (its chunk after shadowing) with what it dropped and unshared.
   */
  clearBits(
    lo: number,
    hi: number,
    onCleared: (cleared: LeafClearing, leaf: number) => void,
    resume = 0,
    margin = 0,
    end = Infinity,
  ): number | null {
    this.pausedAt = null;
    this.clearLo = lo;
    this.clearHi = hi;
    this.onCleared = onCleared;
    this.resume = resume;
    this.margin = margin;
    this.clearEnd = end;
    this.cleared ??= new LeafClearing(this.tx.chunkBytes);
    this.root = this.clearNode(this.root, 0, 0);
    if (this.pausedAt !== null) return this.pausedAt;
    while (this.levels > 1) {
      const root = this.tx.readNode(this.root, this.path, 0);
      if (root.count !== 1) break;
      // The tree points past the old root before it is freed, so a listener never sees a freed root.
      const old = this.root;
      this.root = root.child(0);
      this.levels--;
      this.tx.free(old, 'node');
      this.events?.({ type: 'level-drop', root: this.root, levels: this.levels });
    }
    return null;
  }

  // The clear in progress (see clearBits), kept here rather than passed down every level.
  private pausedAt: number | null = null;
  private clearLo = 0;
  private clearHi = 0;
  private onCleared: (cleared: LeafClearing, leaf: number) => void = () => {};
  private resume = 0;
  private margin = 0;
  private clearEnd = Infinity;
  /** One leaf's drops and unshares, reused by every leaf of every clear. */
  private cleared: LeafClearing | null = null;

  private short(): boolean {
    return this.tx.alloc.freeCount < this.margin;
  }

  /**
   * Clears the subtree of node `chunk` (at `depth`, its keys from `keyLo`), then merges its
   * children; returns the node's chunk (moved if shadowed).
   */
  private clearNode(chunk: number, depth: number, keyLo: number): number {
    const path = this.path;
    path[depth] = chunk;
    const leaves = depth + 1 === this.levels;
    let self = chunk;
    // Children may trim the cache: re-read this node after each one instead of holding a view.
    // (The clear calls the block lookups and `shadow` the inserts use, already compiled then.)
    for (let i = 0; ; i++) {
      const node = this.tx.nodeBlock(self, path, depth).node!;
      const count = node.count;
      if (i >= count) break;
      // Child i holds keys [key(i), key(i + 1)); entry 0's key is the node's own lower bound.
      if (i + 1 < count && node.key(i + 1) <= this.resume) continue;
      const childLo = i === 0 ? keyLo : node.key(i);
      if (childLo >= this.clearEnd) break;
      const child = node.child(i);
      const next = leaves ? this.clearLeaf(child, depth + 1, childLo) : this.clearNode(child, depth + 1, childLo);
      path[depth] = self;
      if (next !== child) {
        const own = this.tx.shadow(this.tx.nodeBlock(self, path, depth), 'node').node!;
        own.setChild(i, next);
        self = own.chunk;
        path[depth] = self;
      }
      if (this.pausedAt !== null) return self;
    }
    return this.mergeChildren(self, depth, leaves);
  }

  /** Clears leaf `chunk` (its keys from `keyLo`); returns its chunk (moved if shadowed). */
  private clearLeaf(chunk: number, depth: number, keyLo: number): number {
    this.path[depth] = chunk;
    this.tx.trim();
    const block = this.tx.leafBlock(chunk, this.path, depth);
    const leaf = block.leaf!;
    if ((leaf.usingLo & this.clearLo) === 0 && (leaf.usingHi & this.clearHi) === 0) return chunk;
    if (this.short() && !this.tx.isFresh(chunk)) {
      this.pausedAt = keyLo;
      return chunk;
    }
    // The block as read (no trim since): shadowed without a second lookup.
    const own = this.tx.shadow(block, 'leaf').leaf!;
    const cleared = this.cleared!;
    if (own.clearBits(this.clearLo, this.clearHi, cleared, this.resume, this.clearEnd)) this.onCleared(cleared, own.chunk);
    return own.chunk;
  }

  /** Merges each child of node `self` into its left sibling where it fits; returns the node's chunk. */
  private mergeChildren(self: number, depth: number, leaves: boolean): number {
    for (let i = 1; ; ) {
      const block = this.tx.nodeBlock(self, this.path, depth);
      const node = block.node!;
      if (i >= node.count) return self;
      const prev = node.child(i - 1);
      const cur = node.child(i);
      const owner = this.short() ? null : leaves ? this.leavesMerge(block, i, prev, cur, depth) : this.nodesMerge(block, i, prev, cur, depth);
      if (owner) self = owner.chunk;
      else i++;
    }
  }

  /**
   * Merges leaf `cur` into `prev` when it fits; returns the (shadowed) parent, or null. `parent`
   * is the block as mergeChildren read it: nothing trims the cache before it is shadowed here.
   */
  private leavesMerge(parent: Block, i: number, prev: number, cur: number, depth: number): NodeView | null {
    const leftBlock = this.tx.leafBlock(prev, this.path, depth + 1);
    const left = leftBlock.leaf!;
    const right = this.tx.leafBlock(cur, this.path, depth + 1).leaf!;
    if (right.payloadBytes() > left.freeBytes() || right.baseChunk !== left.baseChunk) return null;
    const owner = this.tx.shadow(parent, 'node').node!;
    const into = this.tx.shadow(leftBlock, 'leaf').leaf!;
    owner.setChild(i - 1, into.chunk);
    // A leaf the walk emptied (most of them in a snapshot delete) has nothing to move.
    if (right.count > 0) into.append(right);
    owner.remove(i);
    this.tx.free(cur, 'leaf');
    this.events?.({ type: 'leaf-merge', into: into.chunk, from: cur });
    return owner;
  }

  /** Merges node `cur` into `prev` when their entries fit one node; returns the parent, or null. */
  private nodesMerge(parent: Block, i: number, prev: number, cur: number, depth: number): NodeView | null {
    const left = this.tx.readNode(prev, this.path, depth + 1);
    const right = this.tx.readNode(cur, this.path, depth + 1);
    if (left.count + right.count > this.nodeCap) return null;
    const owner = this.tx.shadow(parent, 'node').node!;
    const into = this.tx.ownNode(prev, this.path, depth + 1);
    owner.setChild(i - 1, into.chunk);
    into.append(right, owner.key(i));
    owner.remove(i);
    this.tx.free(cur, 'node');
    this.events?.({ type: 'node-merge', into: into.chunk, from: cur, level: depth + 1 });
    return owner;
  }

  /**
   * Visits every leaf in key order with its depth-first path; with `from`, only leaves that may
   * hold origins ≥ from. Stops when `visit` returns false.
   */
  forEachLeaf(visit: (leaf: LeafView) => boolean | void, from = 0): void {
    this.walk(this.root, 0, visit, from);
  }

  private walk(chunk: number, depth: number, visit: (leaf: LeafView) => boolean | void, from: number): boolean {
    this.path[depth] = chunk;
    if (depth === this.levels) {
      this.tx.trim();
      return visit(this.tx.readLeaf(chunk, this.path, depth)) !== false;
    }
    for (let i = 0; i < this.tx.readNode(chunk, this.path, depth).count; i++) {
      const node = this.tx.readNode(chunk, this.path, depth);
      if (i + 1 < node.count && node.key(i + 1) <= from) continue;
      if (!this.walk(node.child(i), depth + 1, visit, from)) return false;
      this.path[depth] = chunk;
    }
    return true;
  }

  /** Visits every node (not leaves) with its depth and key bounds [lo, hi). */
  forEachNode(visit: (node: NodeView, depth: number, lo: number, hi: number) => void): void {
    const rec = (chunk: number, depth: number, lo: number, hi: number) => {
      this.path[depth] = chunk;
      const node = this.tx.readNode(chunk, this.path, depth);
      visit(node, depth, lo, hi);
      if (depth + 1 === this.levels) return;
      for (let i = 0; i < node.count; i++) {
        rec(node.child(i), depth + 1, i === 0 ? lo : node.key(i), i + 1 < node.count ? node.key(i + 1) : hi);
        this.path[depth] = chunk;
      }
    };
    rec(this.root, 0, 0, Infinity);
  }
}

/**
 * The best cut of a full leaf seen so far (ExceptionTree.chooseCut): `at` is the first origin
 * index that moves right, `key` the right half's first key. A cut after which the target's half
 * has room beats one without; then the smaller difference in bytes between the halves; then the
 * earlier cut.
 */
class LeafCut {
  found = false;
  at = 0;
  key = 0;
  private fits = false;
  private imbalance = 0;
  private leaf: LeafView | null = null;
  private need = 0;
  private room = 0;
  private low = 0;
  private total = 0;

  start(leaf: LeafView, need: number): this {
    this.found = false;
    this.fits = false;
    this.leaf = leaf;
    this.need = need;
    this.room = leaf.size - LEAF_HEADER_BYTES - MAP_ENTRY_BYTES;
    this.low = leaf.listStart(0);
    this.total = this.bytesBefore(leaf.count);
    return this;
  }

  /** The cut before origin index `p`, the right half starting with `key`; the target goes left when `targetLeft`. */
  consider(p: number, key: number, targetLeft: boolean): void {
    const left = this.bytesBefore(p);
    const right = this.total - left;
    const fits = (targetLeft ? left : right) + this.need <= this.room;
    const imbalance = Math.abs(left - right);
    if (this.found && (fits === this.fits ? imbalance >= this.imbalance : !fits)) return;
    this.found = true;
    this.fits = fits;
    this.imbalance = imbalance;
    this.at = p;
    this.key = key;
  }

  /** consider(p, key, false) when `ok`: called either way, so the call site always has feedback. */
  considerIf(ok: boolean, p: number, key: number): void {
    if (ok) this.consider(p, key, false);
  }

  /** Map entries and exception bytes of the origins before index `p`. */
  private bytesBefore(p: number): number {
    return p * MAP_ENTRY_BYTES + (this.leaf!.listStart(p) - this.low);
  }
}
