/**
 * Reads a TeachState from the live store through its inspection API, at any structural event.
 *
 * Mid-operation the tree can be a step behind its blocks: a shadowed copy exists before its parent
 * points at it (a delete relinks parents only on the way back up), and a split's new half exists
 * before the parent learns its key. So the walk follows `shadow` events (old chunk → copy) and draws
 * split halves as detached until they are linked. A commit makes the tree whole again.
 *
 * It runs at every event, so it re-reads only what can have changed: blocks allocated since the
 * last commit (a committed block is never changed in place — that is what shadowing is for), the
 * roles of chunks an event named (all of them after a commit), and tags of chunks written.
 */
import type { StructuralEvent } from '../events.ts';
import type { SharedStore } from '../shared/index.ts';
import { slotsOfMask } from '../shared/mask.ts';
import type { CellCode, TeachBlock, TeachLeaf, TeachNode, TeachState } from './state.ts';
import { readTag } from './tags.ts';
import type { TrackedDevice } from './tracked-device.ts';

const ROLE_CODES: Record<string, CellCode> = {
  header: 'H',
  bitmap: 'B',
  node: 'N',
  leaf: 'L',
  label: 'A',
  exception: 'E',
  'pending-free': 'P',
  free: '.',
};

export class StateCapture {
  private readonly copies = new Map<number, number>();
  /** Split halves not yet linked: chunk → (height above the leaves, the block it split from). */
  private readonly loose = new Map<number, { height: number; beside: number }>();
  private readonly names = new Map<number, string>();
  private readonly scratch = new Uint8Array(32);
  /** Decoded committed blocks (immutable until freed). */
  private readonly blocks = new Map<number, TeachBlock>();
  /** Chunks allocated since the last commit: their blocks may change without an event. */
  private readonly fresh = new Set<number>();
  private readonly cells: CellCode[];
  private readonly touched = new Set<number>();
  private allTouched = false;
  private readonly cowTags: string[];
  private originTags: string[];
  private data: Record<number, string> = {};
  private dataStale = true;

  constructor(
    private readonly store: SharedStore,
    private readonly cow: TrackedDevice,
    private readonly origin: TrackedDevice,
  ) {
    for (const s of store.snapshots()) this.names.set(s.slot, s.name);
    const cb = store.chunkBytes;
    this.cells = Array.from({ length: store.chunkCount }, (_, c) => ROLE_CODES[store.chunkRole(c)] ?? '.');
    this.cowTags = Array.from({ length: store.chunkCount }, (_, c) => readTag(cow, c * cb, this.scratch));
    this.originTags = Array.from({ length: Math.floor(origin.size / cb) }, (_, c) => readTag(origin, c * cb, this.scratch));
    cow.take(cb);
    origin.take(cb);
  }

  /** Follows the engine: call for every event, before `capture`. */
  note(e: StructuralEvent): void {
    switch (e.type) {
      case 'allocate':
        this.fresh.add(e.chunk);
        this.blocks.delete(e.chunk);
        this.touched.add(e.chunk);
        break;
      case 'free':
        this.blocks.delete(e.chunk);
        this.touched.add(e.chunk);
        break;
      case 'shadow':
        this.copies.set(e.from, e.to);
        break;
      case 'leaf-split':
        this.loose.set(e.newLeaf, { height: 0, beside: e.leaf });
        break;
      case 'node-split':
        this.loose.set(e.newNode, { height: this.store.levels - e.level, beside: e.node });
        break;
      case 'snapshot-create':
        this.names.set(e.slot, e.name);
        break;
      case 'snapshot-delete':
        this.names.delete(e.slot);
        break;
      case 'commit':
        this.copies.clear();
        this.loose.clear();
        this.fresh.clear();
        this.allTouched = true;
        break;
    }
  }

  capture(): TeachState {
    const store = this.store;
    const levels = store.levels;
    const blocks: TeachBlock[] = [];
    const seen = new Set<number>();
    const walk = (at: number, depth: number): void => {
      const chunk = this.copies.get(at) ?? at;
      seen.add(chunk);
      const block = this.block(chunk, depth < levels);
      blocks.push(block);
      if (block.kind === 'node') for (const child of block.children) walk(child, depth + 1);
    };
    walk(store.rootChunk, 0);
    const detached: TeachState['tree']['detached'] = [];
    // Highest first: a split node may hold a split leaf, which is then drawn inside it, not twice.
    const loose = [...this.loose].sort((a, b) => b[1].height - a[1].height);
    for (const [chunk, { height, beside }] of loose) {
      if (seen.has(chunk)) {
        this.loose.delete(chunk);
        continue;
      }
      detached.push({ chunk, beside });
      walk(chunk, levels - height);
    }

    const mask = store.header().snapmask;
    const snapshots = slotsOfMask(mask).map((slot) => ({ slot, name: this.names.get(slot) ?? `slot ${slot}` }));
    return { tree: { root: this.copies.get(store.rootChunk) ?? store.rootChunk, levels, blocks, detached }, cells: this.readCells(), data: this.readData(), origin: this.readOrigin(), snapshots };
  }

  /** A block as the walk shows it; children already point through shadow copies. */
  private block(chunk: number, isNode: boolean): TeachBlock {
    const cached = this.blocks.get(chunk);
    const block = cached ?? (isNode ? this.readNode(chunk) : this.readLeaf(chunk));
    if (!cached && !this.fresh.has(chunk)) this.blocks.set(chunk, block);
    if (block.kind !== 'node' || !block.children.some((c) => this.copies.has(c))) return block;
    return { ...block, children: block.children.map((c) => this.copies.get(c) ?? c) };
  }

  private readNode(chunk: number): TeachNode {
    const node = this.store.readNode(chunk);
    return { kind: 'node', chunk, keys: node.entries.map((e, i) => (i === 0 ? 0 : e.key)), children: node.entries.map((e) => e.chunk) };
  }

  private readLeaf(chunk: number): TeachLeaf {
    const leaf = this.store.readLeaf(chunk);
    return {
      kind: 'leaf',
      chunk,
      freeBytes: leaf.freeBytes,
      entries: leaf.origins.map((o) => ({ origin: o.origin, exceptions: o.exceptions.map((x) => ({ chunk: x.chunk, slots: slotsOfMask(x.share) })) })),
    };
  }

  private readCells(): string {
    const store = this.store;
    const update = (c: number) => {
      const code = ROLE_CODES[store.chunkRole(c)] ?? '.';
      if (this.cells[c] === code) return;
      this.cells[c] = code;
      this.dataStale = true;
    };
    if (this.allTouched) for (let c = 0; c < this.cells.length; c++) update(c);
    else for (const c of this.touched) if (c < this.cells.length) update(c);
    this.allTouched = false;
    this.touched.clear();
    return this.cells.join('');
  }

  /** Tags of exception chunks; the same object while nothing in it changed. */
  private readData(): Record<number, string> {
    const cb = this.store.chunkBytes;
    for (const c of this.cow.take(cb)) {
      if (c >= this.cowTags.length) continue;
      const tag = readTag(this.cow, c * cb, this.scratch);
      if (tag !== this.cowTags[c]) this.dataStale = true;
      this.cowTags[c] = tag;
    }
    if (!this.dataStale) return this.data;
    const data: Record<number, string> = {};
    this.cells.forEach((code, c) => {
      if (code === 'E' && this.cowTags[c]) data[c] = this.cowTags[c]!;
    });
    this.data = data;
    this.dataStale = false;
    return data;
  }

  private readOrigin(): string[] {
    const cb = this.store.chunkBytes;
    const written = this.origin.take(cb);
    if (written.size === 0) return this.originTags;
    this.originTags = this.originTags.slice();
    for (const c of written) if (c < this.originTags.length) this.originTags[c] = readTag(this.origin, c * cb, this.scratch);
    return this.originTags;
  }
}
