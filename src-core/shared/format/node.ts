/**
 * B-tree index node (docs/format-shared.md § Node): le32 count, le32 unused, then `count`
 * entries {le64 key, le64 chunk}. Child i holds origin chunks in [key(i), key(i+1)); key(0) is
 * never read (the parent's key bounds it), and snapscope writes 0 there.
 */
import { getU64Fast, joinU64, le32Words, LITTLE_ENDIAN_HOST, setU64, TWO32 } from './le.ts';

export const NODE_HEADER_BYTES = 8;
export const NODE_ENTRY_BYTES = 16;
export const NODE_LAYOUT = {
  count: { offset: 0, size: 4 },
  unused: { offset: 4, size: 4 },
  entries: { offset: 8, size: 16 },
  'entry.key': { offset: 0, size: 8 },
  'entry.chunk': { offset: 8, size: 8 },
} as const;

/** Deepest tree a store may have (a 512 B-chunk tree of 2^53 origins has fewer levels). */
export const MAX_LEVELS = 16;

export function nodeCapacity(chunkBytes: number): number {
  return Math.floor((chunkBytes - NODE_HEADER_BYTES) / NODE_ENTRY_BYTES);
}

export interface NodeEntry {
  key: number;
  chunk: number;
}

/** Bounds the tree passes down so a decode can name the chunks it found out of place. */
export interface DecodeContext {
  device: string;
  chunkCount: number;
  /** First chunk after the header and bitmap. */
  firstTreeChunk: number;
  path: readonly number[];
}

/** A node over one chunk's bytes. Algorithms use these methods; nothing else touches the bytes. */
export class NodeView {
  readonly dv: DataView;
  /** The bytes as le32 words (le.ts `le32Words`), or null: then every field goes through `dv`. */
  private readonly w: Uint32Array | null;
  readonly capacity: number;
  constructor(
    /** Where the bytes live; moves with the block when it is shadowed. */
    public chunk: number,
    readonly bytes: Uint8Array,
    /** Tests pass false to run the DataView code a big-endian host runs. */
    hostLittleEndian = LITTLE_ENDIAN_HOST,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    this.w = le32Words(bytes, hostLittleEndian);
    this.capacity = nodeCapacity(bytes.length);
  }

  get count(): number {
    const w = this.w;
    return w !== null ? w[0]! : this.dv.getUint32(0, true);
  }
  set count(n: number) {
    this.dv.setUint32(0, n, true);
  }
  key(i: number): number {
    return getU64Fast(this.dv, NODE_HEADER_BYTES + i * NODE_ENTRY_BYTES);
  }
  child(i: number): number {
    const w = this.w;
    return w !== null ? joinU64(w[5 + 4 * i]!, w[4 + 4 * i]!) : getU64Fast(this.dv, NODE_HEADER_BYTES + i * NODE_ENTRY_BYTES + 8);
  }
  setKey(i: number, key: number): void {
    setU64(this.dv, NODE_HEADER_BYTES + i * NODE_ENTRY_BYTES, key);
  }
  setChild(i: number, chunk: number): void {
    setU64(this.dv, NODE_HEADER_BYTES + i * NODE_ENTRY_BYTES + 8, chunk);
  }

  /** The child that holds `origin`: the last i ≥ 1 with key(i) ≤ origin, else 0 (binary search). */
  search(origin: number): number {
    // Compares le64 keys as (high, low) halves: no float rebuild per probe step.
    const dv = this.dv;
    const w = this.w;
    const oHi = Math.floor(origin / TWO32);
    const oLo = origin >>> 0;
    let lo = 1;
    let hi = this.count - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const off = NODE_HEADER_BYTES + mid * NODE_ENTRY_BYTES;
      const kHi = w !== null ? w[(off >>> 2) + 1]! : dv.getUint32(off + 4, true);
      if (kHi < oHi || (kHi === oHi && (w !== null ? w[off >>> 2]! : dv.getUint32(off, true)) <= oLo)) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Inserts entry at index i (shifting later ones); the caller checks count < capacity. */
  insert(i: number, key: number, child: number): void {
    const at = NODE_HEADER_BYTES + i * NODE_ENTRY_BYTES;
    const end = NODE_HEADER_BYTES + this.count * NODE_ENTRY_BYTES;
    this.bytes.copyWithin(at + NODE_ENTRY_BYTES, at, end);
    this.setKey(i, i === 0 ? 0 : key);
    this.setChild(i, child);
    this.count = this.count + 1;
  }

  /** Removes entry i. When i is 0, entry 1 moves to 0 and its key is cleared (the parent bounds it). */
  remove(i: number): void {
    const at = NODE_HEADER_BYTES + i * NODE_ENTRY_BYTES;
    const end = NODE_HEADER_BYTES + this.count * NODE_ENTRY_BYTES;
    this.bytes.copyWithin(at, at + NODE_ENTRY_BYTES, end);
    this.count = this.count - 1;
    this.bytes.fill(0, end - NODE_ENTRY_BYTES, end);
    if (this.count > 0) this.setKey(0, 0);
  }

  /** Moves entries from..count-1 to the empty node `right` (its entry 0 key cleared). */
  moveTail(from: number, right: NodeView): void {
    const start = NODE_HEADER_BYTES + from * NODE_ENTRY_BYTES;
    const end = NODE_HEADER_BYTES + this.count * NODE_ENTRY_BYTES;
    right.bytes.set(this.bytes.subarray(start, end), NODE_HEADER_BYTES);
    right.count = this.count - from;
    right.setKey(0, 0);
    this.bytes.fill(0, start, end);
    this.count = from;
  }

  /**
   * Appends every entry of `right`, whose first entry takes `separator` as its key: the key the
   * parent held for `right`. (The seed copied right's stale entries[0].key instead: KNOWN-ISSUES #10.)
   */
  append(right: NodeView, separator: number): void {
    const n = this.count;
    const rn = right.count;
    const src = right.bytes.subarray(NODE_HEADER_BYTES, NODE_HEADER_BYTES + rn * NODE_ENTRY_BYTES);
    this.bytes.set(src, NODE_HEADER_BYTES + n * NODE_ENTRY_BYTES);
    this.count = n + rn;
    this.setKey(n, separator);
  }

  init(): void {
    this.bytes.fill(0);
  }

  entries(): NodeEntry[] {
    const out: NodeEntry[] = [];
    for (let i = 0; i < this.count; i++) out.push({ key: this.key(i), chunk: this.child(i) });
    return out;
  }
}
