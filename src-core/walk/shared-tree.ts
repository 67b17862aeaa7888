/**
 * A tolerant walk of a shared store's B-tree (docs/format-shared.md § Node, § Leaf): reads raw
 * blocks through the codecs' views, trusts nothing, reports every problem to a FindingLog and
 * hands the exceptions it can vouch for to a visitor. check, repair, dump and stats share it, so
 * "what survives a repair" is exactly "what check did not flag".
 */
import type { BlockDevice } from '../io/block-device.ts';
import { ReadAhead } from '../io/read-ahead.ts';
import { EXCEPTION_BYTES, LEAF_HEADER_BYTES, LEAF_MAGIC, LEAF_VERSION, MAP_ENTRY_BYTES, LeafView } from '../shared/format/leaf.ts';
import { NodeView } from '../shared/format/node.ts';
import { MAX_ORIGIN_CHUNKS } from '../shared/store/limits.ts';
import { Bitset } from './bitset.ts';
import type { FindingKind } from './kinds.ts';
import { FindingLog, type FindingDetail } from './findings.ts';

export interface SharedGeometry {
  chunkBytes: number;
  chunkCount: number;
  /** First chunk after the header and bitmap. */
  firstFree: number;
  snapLo: number;
  snapHi: number;
}

export interface WalkVisitor {
  /**
   * An exception check vouches for; its share is within the snapmask. Origins come strictly
   * ascending (one origin's exceptions together), each below 2^32: what the builders accept.
   */
  exception?(origin: number, chunk: number, lo: number, hi: number): void;
  /**
   * Every block that decoded well enough to be used, after its own entries were judged (a leaf's
   * exceptions come first); `used`/`capacity` in entries (nodes) or bytes (leaves); `clean` when
   * nothing in the block itself was found wrong. `view` is valid only during the call.
   */
  block?(chunk: number, kind: 'node' | 'leaf', level: number, used: number, capacity: number, clean: boolean, view: NodeView | LeafView, path: readonly number[]): void;
  /**
   * Exceptions a repair drops: origins first..last (last is Infinity for "to the end") lose the
   * snapshots in lo/hi (the whole snapmask when the block holding them is unreadable). `block` is
   * set when a whole block was lost: its chunk when it was read and found bad, -1 when the pointer
   * to it was bad; null for exceptions dropped from a block that was used.
   */
  lost?(first: number, last: number, lo: number, hi: number, why: FindingKind, block: number | null): void;
  /** Each bitmap chunk (0 = chunk 1 on disk) as read, after the tree: open keeps it instead of reading the bitmap again. Valid only during the call. */
  bitmap?(index: number, bytes: Uint8Array): void;
}

interface Frame {
  chunk: number;
  level: number;
  /** Origin keys this block may hold: [lo, hi). */
  lo: number;
  hi: number;
  /** The block (0 = header) and entry that point here. */
  parent: number;
  entry: number | undefined;
  /** Chunks from the root down to this block. */
  path: readonly number[];
}

/** Origins a leaf can hold: each needs a map entry and at least one exception; plus the sentinel. */
const LEAF_MAX_COUNT = (bytes: number) => Math.floor((bytes - LEAF_HEADER_BYTES - MAP_ENTRY_BYTES) / (MAP_ENTRY_BYTES + EXCEPTION_BYTES));

/** The merge the header records (docs/format-shared.md § Merge record). */
export interface MergeRecord {
  slot: number;
  cursor: number;
}

export class TreeWalk {
  nodes = 0;
  leaves = 0;
  exceptions = 0;
  /** Lowest origin below merge_cursor where the merging snapshot still has an exception, or -1. */
  mergeLeftBehind = -1;
  /**
   * Lowest origin a leaf may still hold: one past the last origin accepted. Damaged keys can give
   * siblings overlapping ranges; this keeps the walk's origins strictly ascending regardless.
   */
  private floor = 0;
  private readonly stack: Frame[];
  private readonly buf: Uint8Array;
  private readonly reads: ReadAhead;

  constructor(
    private readonly cow: BlockDevice,
    private readonly g: SharedGeometry,
    private readonly log: FindingLog,
    /** Chunks referenced so far; the walk claims every block and exception chunk it accepts. */
    private readonly refs: Bitset,
    private readonly levels: number,
    root: number,
    private readonly visit: WalkVisitor = {},
    /** Every origin chunk below its cursor is merged, so its snapshot has no exception there. */
    private readonly merge: MergeRecord | null = null,
  ) {
    this.stack = [{ chunk: root, level: 0, lo: 0, hi: Infinity, parent: 0, entry: undefined, path: [root] }];
    this.buf = new Uint8Array(g.chunkBytes);
    this.reads = new ReadAhead(cow, g.chunkBytes);
  }

  get done(): boolean {
    return this.stack.length === 0;
  }

  /** Checks one block (depth first, left to right: origins come out ascending). */
  step(): void {
    const f = this.stack.pop();
    if (!f) return;
    if (!this.claim(f)) return;
    this.reads.read(f.chunk, this.buf);
    if (f.level < this.levels) this.node(f);
    else this.leaf(f);
  }

  private claim(f: Frame): boolean {
    const who = f.entry === undefined ? 'root_tree_chunk' : `node ${f.parent} entry ${f.entry}`;
    const at = f.entry === undefined ? { field: 'root_tree_chunk' } : { entry: f.entry, field: 'entry.chunk' };
    let kind: FindingKind | null = null;
    let why = '';
    if (!(f.chunk < this.g.chunkCount)) [kind, why] = ['s-chunk-out-of-range', `points past the end of the device (${this.g.chunkCount} chunks)`];
    else if (f.chunk < this.g.firstFree) [kind, why] = ['s-chunk-reserved', 'points into the header or bitmap'];
    else if (this.refs.testAndSet(f.chunk)) [kind, why] = ['s-chunk-duplicate', 'points to a chunk already referenced'];
    if (kind === null) return true;
    this.log.add(kind, f.parent, `${who} (a ${f.level < this.levels ? 'node' : 'leaf'}) ${why}`, { ...at, found: f.chunk, path: f.path.slice(0, -1) });
    this.loseRange(f, kind, -1);
    return false;
  }

  private node(f: Frame): void {
    const n = new NodeView(f.chunk, this.buf);
    const errorsBefore = this.log.errors;
    const count = n.count;
    if (count < 1 || count > n.capacity) {
      this.broken(f, 's-node-count', `node count ${count} is outside 1..${n.capacity}`, { field: 'count', expected: `1..${n.capacity}`, found: count });
      return;
    }
    // Keys are judged against the last good key, so the good ones ascend strictly.
    const good: boolean[] = [true];
    const lows: number[] = [f.lo]; // child i's lower bound: the nearest good key at or before i
    let last = -1;
    for (let i = 1; i < count; i++) {
      const k = n.key(i);
      good[i] = false;
      if (last >= 0 && k <= last) this.add('s-node-key-order', f.chunk, `key ${k} is not above the previous key ${last}`, { entry: i, field: 'entry.key', expected: `> ${last}`, found: k, path: f.path });
      else if (!inRange(k, f.lo, f.hi)) this.add('s-node-key-range', f.chunk, `key ${k} is outside the node's range ${range(f.lo, f.hi)}`, { entry: i, field: 'entry.key', expected: range(f.lo, f.hi), found: k, path: f.path });
      else [good[i], last] = [true, k];
      lows[i] = last >= 0 ? last : f.lo;
    }
    this.visit.block?.(f.chunk, 'node', f.level, count, n.capacity, this.log.errors === errorsBefore, n, f.path);
    this.nodes++;
    // A bad key bounds nothing: its neighbours take the nearest good keys (or the node's bounds).
    let hi = f.hi;
    for (let i = count - 1; i >= 0; i--) {
      const child = n.child(i);
      this.stack.push({ chunk: child, level: f.level + 1, lo: lows[i]!, hi, parent: f.chunk, entry: i, path: [...f.path, child] });
      if (good[i] && i > 0) hi = n.key(i);
    }
  }

  private leaf(f: Frame): void {
    const leaf = new LeafView(f.chunk, this.buf);
    const magic = leaf.magic;
    if (magic !== LEAF_MAGIC) return this.broken(f, 's-leaf-magic', `leaf magic 0x${magic.toString(16)} is not 0x1eaf`, { field: 'magic', expected: '0x1eaf', found: `0x${magic.toString(16)}` });
    const version = leaf.version;
    if (version !== LEAF_VERSION) return this.broken(f, 's-leaf-version', `leaf version ${version} is unknown`, { field: 'version', expected: LEAF_VERSION, found: version });
    const count = leaf.count;
    const max = LEAF_MAX_COUNT(leaf.size);
    if (count > max) return this.broken(f, 's-leaf-count', `leaf count ${count} cannot fit the chunk`, { field: 'count', expected: `0..${max}`, found: count });
    if (!this.mapSane(f, leaf, count)) return;
    const errorsBefore = this.log.errors;
    this.leaves++;
    const base = leaf.listStart(0);
    const baseChunk = leaf.baseChunk; // once per leaf: a le64 read per origin was a tenth of check's time
    let unionLo = 0;
    let unionHi = 0;
    let prev = -1; // the last origin accepted in this leaf
    for (let i = 0; i < count; i++) {
      const origin = baseChunk + leaf.rchunk(i);
      const start = leaf.listStart(i);
      const end = leaf.listStart(i + 1);
      for (let e = start; e < end; e += EXCEPTION_BYTES) {
        unionLo |= leaf.shareLo(e);
        unionHi |= leaf.shareHi(e);
      }
      const lo = Math.max(f.lo, this.floor);
      if (prev >= 0 && origin <= prev) {
        this.add('s-leaf-key-order', f.chunk, `origin ${origin} is not above the previous origin ${prev}`, { entry: i, field: 'map.rchunk', path: f.path, expected: `> ${prev}`, found: origin });
        this.visit.lost?.(origin, origin, this.g.snapLo, this.g.snapHi, 's-leaf-key-order', null);
        continue;
      }
      if (!inRange(origin, lo, f.hi)) {
        const whose = lo > f.lo ? 'left to the leaf after earlier leaves' : "the leaf's range";
        this.add('s-leaf-key-range', f.chunk, `origin ${origin} is outside ${whose} ${range(lo, f.hi)}`, { entry: i, field: 'map.rchunk', path: f.path, expected: range(lo, f.hi), found: origin });
        this.visit.lost?.(origin, origin, this.g.snapLo, this.g.snapHi, 's-leaf-key-range', null);
        continue;
      }
      prev = origin;
      this.floor = origin + 1;
      this.exceptionsOf(f, leaf, origin, start, end, base);
    }
    const uLo = leaf.usingLo;
    const uHi = leaf.usingHi;
    if ((uLo !== 0 || uHi !== 0) && (uLo !== unionLo >>> 0 || uHi !== unionHi >>> 0)) {
      this.add('s-leaf-using-mask', f.chunk, 'using_mask is not the union of the share masks', { field: 'using_mask', path: f.path, expected: hex(unionLo, unionHi), found: hex(uLo, uHi) });
    }
    const room = leaf.size - LEAF_HEADER_BYTES - MAP_ENTRY_BYTES;
    this.visit.block?.(f.chunk, 'leaf', f.level, room - leaf.freeBytes(), room, this.log.errors === errorsBefore, leaf, f.path);
  }

  /** Map offsets: ascending, 16-byte aligned lists, above the map, sentinel at the chunk end. */
  private mapSane(f: Frame, leaf: LeafView, count: number): boolean {
    const size = leaf.size;
    const sentinel = leaf.listStart(count);
    if (sentinel !== size) {
      this.broken(f, 's-leaf-map-offset', `sentinel offset ${sentinel} is not the chunk size`, { entry: count, field: 'map.offset', expected: size, found: sentinel });
      return false;
    }
    const mapEnd = LEAF_HEADER_BYTES + (count + 1) * MAP_ENTRY_BYTES;
    for (let i = 0; i < count; i++) {
      const off = leaf.listStart(i);
      const next = leaf.listStart(i + 1);
      if (off < mapEnd) {
        this.broken(f, 's-leaf-map-overlap', `map offset ${off} lies inside the map (which ends at ${mapEnd})`, { entry: i, field: 'map.offset', expected: `>= ${mapEnd}`, found: off });
        return false;
      }
      if (off >= next || (size - off) % EXCEPTION_BYTES !== 0) {
        this.broken(f, 's-leaf-map-offset', `map offset ${off} is not below the next one (${next}) in 16-byte steps`, { entry: i, field: 'map.offset', expected: `< ${next}`, found: off });
        return false;
      }
    }
    return true;
  }

  private exceptionsOf(f: Frame, leaf: LeafView, origin: number, start: number, end: number, base: number): void {
    const g = this.g;
    const leafChunk = f.chunk;
    const path = f.path;
    let takenLo = 0;
    let takenHi = 0;
    // An emptied share hid whose copy it was: every snapshot with no other copy here may have lost it.
    let shareLost = false;
    for (let e = start; e < end; e += EXCEPTION_BYTES) {
      const entry = (e - base) / EXCEPTION_BYTES;
      let lo = leaf.shareLo(e);
      let hi = leaf.shareHi(e);
      if (lo === 0 && hi === 0) {
        this.add('s-share-zero', leafChunk, `origin ${origin}: exception with an empty share mask`, { entry, field: 'exception.share', path, found: 0 });
        shareLost = true;
        continue;
      }
      if ((lo & ~g.snapLo) !== 0 || (hi & ~g.snapHi) !== 0) {
        this.add('s-share-outside-snapmask', leafChunk, `origin ${origin}: share ${hex(lo, hi)} names snapshots outside the snapmask ${hex(g.snapLo, g.snapHi)}`, { entry, field: 'exception.share', path, expected: `within ${hex(g.snapLo, g.snapHi)}`, found: hex(lo, hi) });
        lo = (lo & g.snapLo) >>> 0;
        hi = (hi & g.snapHi) >>> 0;
        if (lo === 0 && hi === 0) continue;
      }
      if ((lo & takenLo) !== 0 || (hi & takenHi) !== 0) {
        this.add('s-share-overlap', leafChunk, `origin ${origin}: share ${hex(lo, hi)} overlaps an earlier exception of the same origin (${hex(takenLo, takenHi)})`, { entry, field: 'exception.share', path, found: hex(lo, hi) });
        this.visit.lost?.(origin, origin, lo & takenLo, hi & takenHi, 's-share-overlap', null);
        lo = (lo & ~takenLo) >>> 0;
        hi = (hi & ~takenHi) >>> 0;
        if (lo === 0 && hi === 0) continue;
      }
      const chunk = leaf.exceptionChunk(e);
      let kind: FindingKind | null = null;
      if (!(chunk < g.chunkCount)) kind = 's-chunk-out-of-range';
      else if (chunk < g.firstFree) kind = 's-chunk-reserved';
      else if (this.refs.testAndSet(chunk)) kind = 's-chunk-duplicate';
      if (kind !== null) {
        const why = kind === 's-chunk-out-of-range' ? 'is past the end of the device' : kind === 's-chunk-reserved' ? 'is a header or bitmap chunk' : 'is already referenced';
        this.add(kind, leafChunk, `origin ${origin}: exception chunk ${chunk} ${why}`, { entry, field: 'exception.chunk', path, found: chunk });
        this.visit.lost?.(origin, origin, lo, hi, kind, null);
        continue;
      }
      if (this.merge && origin < this.merge.cursor && ((this.merge.slot < 32 ? lo >>> this.merge.slot : hi >>> (this.merge.slot - 32)) & 1) === 1) {
        if (this.mergeLeftBehind < 0) this.mergeLeftBehind = origin;
        this.add('s-merge-below-cursor', leafChunk, `origin ${origin}: merging snapshot ${this.merge.slot} still has an exception below merge_cursor ${this.merge.cursor}`, { entry, field: 'map.rchunk', path, expected: `>= ${this.merge.cursor}`, found: origin });
      }
      takenLo |= lo;
      takenHi |= hi;
      this.exceptions++;
      this.visit.exception?.(origin, chunk, lo >>> 0, hi >>> 0);
    }
    if (shareLost) this.visit.lost?.(origin, origin, (g.snapLo & ~takenLo) >>> 0, (g.snapHi & ~takenHi) >>> 0, 's-share-zero', null);
  }

  /** A block that cannot be used at all: report it, and everything under it is lost. */
  private broken(f: Frame, kind: FindingKind, message: string, detail: FindingDetail): void {
    this.add(kind, f.chunk, message, { ...detail, path: f.path });
    this.loseRange(f, kind, f.chunk);
  }

  private loseRange(f: Frame, kind: FindingKind, block: number): void {
    this.visit.lost?.(f.lo, f.hi === Infinity ? Infinity : f.hi - 1, this.g.snapLo, this.g.snapHi, kind, block);
  }

  private add(kind: FindingKind, chunk: number, message: string, detail: FindingDetail): void {
    this.log.add(kind, chunk, message, detail);
  }
}

/** A key or origin in [lo, hi) and below 2^32, the most a leaf's 32-bit rchunk over base 0 holds. */
function inRange(k: number, lo: number, hi: number): boolean {
  return k >= lo && k < hi && k < MAX_ORIGIN_CHUNKS;
}

function range(lo: number, hi: number): string {
  return `[${lo}, ${hi === Infinity ? '2^32' : hi})`;
}

export function hex(lo: number, hi: number): string {
  return `0x${(hi >>> 0).toString(16).padStart(8, '0')}${(lo >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * One block judged by the walk's rules, strictly (a view that reads a block at a time: the host's
 * tree view). `kind` says what the caller expects there; the first problem is a 'corrupt' error
 * naming chunk, entry and field. `use` gets the decoded block while it is valid.
 */
export function readTreeBlock<T>(cow: BlockDevice, g: SharedGeometry, chunk: number, kind: 'node' | 'leaf', use: (view: NodeView | LeafView) => T): T {
  const refs = new Bitset(g.chunkCount);
  refs.setRange(0, g.firstFree);
  let out: { value: T } | null = null;
  const walk = new TreeWalk(cow, g, new FindingLog(cow.name), refs, kind === 'node' ? 1 : 0, chunk, {
    block: (_c, _k, _l, _u, _cap, _clean, view) => {
      out = { value: use(view) };
    },
  });
  walk.step();
  return out!.value;
}
