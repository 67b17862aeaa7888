/**
 * The search a shared-store repair runs when the walk lost whole blocks (a bad root pointer, node
 * or leaf), as thin_repair searches for roots: every chunk the last commit's bitmap marks used but
 * the walk did not reach is tried as a leaf by the walker's own rules (walk/shared-tree.ts). Leaves
 * that pass, with every exception's chunk marked used and unclaimed, give back the origins they
 * hold inside the lost ranges. A freed (older) leaf is never used: its bitmap bit is clear.
 *
 * Two versions of one origin chunk (a leaf and its shadow copy, both marked until the next
 * commit): the version that maps every snapshot the others map, the same way, is the newest (a
 * write only adds copies); otherwise each snapshot keeps the origin chunk only where every version
 * agrees on it, and loses it elsewhere. Bad leaves found in the ranges are salvaged only to count
 * what each snapshot lost.
 */
import type { BlockDevice } from '../io/block-device.ts';
import { isSnapscopeError } from '../errors.ts';
import { readPagedBitmap } from '../shared/alloc/paged-bitmap.ts';
import { EXCEPTION_BYTES, LEAF_HEADER_BYTES, LEAF_MAGIC, LeafView, MAP_ENTRY_BYTES } from '../shared/format/leaf.ts';
import type { Bitset } from '../walk/bitset.ts';
import { readTreeBlock, type SharedGeometry } from '../walk/shared-tree.ts';

/** Origins [first, last] whose block the walk could not use. */
export interface LostRange {
  first: number;
  last: number;
}

/** One version of an origin chunk's exception list: [chunk, lo, hi] triples. */
type Version = number[];

export interface SearchResult {
  /** Recovered exceptions, origins ascending: [origin, chunk, lo, hi] per exception. */
  found: number[];
  /** Per slot, origin chunks lost for it where versions disagree. */
  lostOrigins: Map<number, Set<number>>;
  /** What bad leaves in the ranges still show (see `salvage`). */
  salvaged: Salvage;
  /** Leaves that passed and gave back exceptions. */
  leaves: number;
}

/** Per origin, the COW chunk each snapshot read there (-1: the list could not be read). */
export type Salvage = Map<number, Map<number, number>>;

/**
 * `referenced`: chunks the walk reached; of those, `broken` ones (read but found bad — maybe a
 * leaf a bad pointer sent the walk to as a node) are tried again.
 */
export function searchLostRanges(cow: BlockDevice, g: SharedGeometry, referenced: Bitset, broken: ReadonlySet<number>, ranges: readonly LostRange[]): SearchResult {
  const cb = g.chunkBytes;
  // Held only where a chunk is used, and walked a used chunk at a time: at the format's limit the
  // bitmap is 512 MiB and 2^32 chunks, of which a damaged store may use a few thousand.
  const bits = readPagedBitmap(cow, g.chunkCount, cb);
  const inRanges = (o: number) => ranges.some((r) => o >= r.first && o <= r.last);
  const versions = new Map<number, Version[]>();
  const lostOrigins = new Map<number, Set<number>>();
  const lose = (slot: number, origin: number) => {
    let set = lostOrigins.get(slot);
    if (!set) lostOrigins.set(slot, (set = new Set()));
    set.add(origin);
  };
  const buf = new Uint8Array(cb);
  const salvaged: Salvage = new Map();
  let leaves = 0;
  for (let c = bits.nextUsed(g.firstFree); c >= 0 && c < g.chunkCount; c = bits.nextUsed(c + 1)) {
    if (referenced.has(c) && !broken.has(c)) continue;
    cow.read(c * cb, buf);
    if (new DataView(buf.buffer).getUint16(0, true) !== LEAF_MAGIC) continue;
    let lists: Map<number, Version> | null = null;
    try {
      lists = readTreeBlock(cow, g, c, 'leaf', (view) => listsOf(view as LeafView));
    } catch (e) {
      if (!isSnapscopeError(e)) throw e;
      // A bad leaf: what it still shows of each snapshot in the ranges is lost.
      for (const [origin, slots] of salvage(new LeafView(c, buf), g)) if (inRanges(origin)) salvaged.set(origin, slots);
      continue;
    }
    let used = false;
    for (const [origin, list] of lists) {
      if (!inRanges(origin)) continue;
      if (!list.every((_, i) => i % 3 !== 0 || (bits.isUsed(list[i]!) && (!referenced.has(list[i]!) || broken.has(list[i]!))))) continue;
      const known = versions.get(origin);
      if (!known) versions.set(origin, [list]);
      else if (!known.some((v) => same(v, list))) known.push(list);
      used = true;
    }
    if (used) leaves++;
  }
  const found: number[] = [];
  const claimed = new Set<number>();
  for (const origin of [...versions.keys()].sort((a, b) => a - b)) {
    for (const [chunk, lo, hi] of settle(versions.get(origin)!, (slot) => lose(slot, origin))) {
      // A chunk two origins claim is nobody's: both lose it.
      if (claimed.has(chunk)) {
        for (const s of slotsOf(lo, hi)) lose(s, origin);
        continue;
      }
      claimed.add(chunk);
      found.push(origin, chunk, lo, hi);
    }
  }
  return { found, lostOrigins, salvaged, leaves };
}

/** A clean leaf's lists by origin. */
function listsOf(leaf: LeafView): Map<number, Version> {
  const out = new Map<number, Version>();
  for (let i = 0; i < leaf.count; i++) {
    const list: Version = [];
    for (let e = leaf.listStart(i); e < leaf.listStart(i + 1); e += EXCEPTION_BYTES) list.push(leaf.exceptionChunk(e), leaf.shareLo(e), leaf.shareHi(e));
    out.set(leaf.origin(i), list);
  }
  return out;
}

/** One list from several versions: the newest when one maps every snapshot the others do; else what all agree on. */
function settle(all: Version[], lose: (slot: number) => void): [number, number, number][] {
  const maps = all.map(slotMap);
  const newest = maps.findIndex((m) => maps.every((o) => [...o].every(([s, chunk]) => m.get(s) === chunk)));
  if (newest >= 0) return triples(all[newest]!);
  const slots = new Set(maps.flatMap((m) => [...m.keys()]));
  const agreed = new Map<number, number>();
  for (const s of slots) {
    const chunk = maps[0]!.get(s);
    if (chunk !== undefined && maps.every((m) => m.get(s) === chunk)) agreed.set(s, chunk);
    else lose(s);
  }
  const byChunk = new Map<number, [number, number]>();
  for (const [s, chunk] of agreed) {
    const m = byChunk.get(chunk) ?? [0, 0];
    if (s < 32) m[0] = (m[0] | (1 << s)) >>> 0;
    else m[1] = (m[1] | (1 << (s - 32))) >>> 0;
    byChunk.set(chunk, m);
  }
  return [...byChunk].map(([chunk, [lo, hi]]) => [chunk, lo, hi]);
}

function slotMap(v: Version): Map<number, number> {
  const m = new Map<number, number>();
  for (const [chunk, lo, hi] of triples(v)) for (const s of slotsOf(lo, hi)) m.set(s, chunk);
  return m;
}

function triples(v: Version): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < v.length; i += 3) out.push([v[i]!, v[i + 1]!, v[i + 2]!]);
  return out;
}

function same(a: Version, b: Version): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function slotsOf(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < 64; s++) if ((((s < 32 ? lo : hi) >>> (s & 31)) & 1) === 1) out.push(s);
  return out;
}

/**
 * What a bad leaf still shows, to count losses: per origin, the chunk each snapshot (within the
 * snapmask) read there. An origin whose list bounds are bad maps every snapshot to -1 (unknown).
 */
export function salvage(leaf: LeafView, g: SharedGeometry): Salvage {
  const out: Salvage = new Map();
  const size = leaf.size;
  const count = Math.min(leaf.count, Math.floor((size - LEAF_HEADER_BYTES - MAP_ENTRY_BYTES) / (MAP_ENTRY_BYTES + EXCEPTION_BYTES)));
  const mapEnd = LEAF_HEADER_BYTES + (count + 1) * MAP_ENTRY_BYTES;
  const everyone = slotsOf(g.snapLo, g.snapHi);
  for (let i = 0; i < count; i++) {
    const start = leaf.listStart(i);
    const end = i + 1 === count ? size : leaf.listStart(i + 1);
    const slots = new Map<number, number>();
    if (start < mapEnd || end > size || start >= end || (end - start) % EXCEPTION_BYTES !== 0) for (const s of everyone) slots.set(s, -1);
    else for (let e = start; e < end; e += EXCEPTION_BYTES) for (const s of slotsOf(leaf.shareLo(e) & g.snapLo, leaf.shareHi(e) & g.snapHi)) slots.set(s, leaf.exceptionChunk(e));
    out.set(leaf.origin(i), slots);
  }
  return out;
}
