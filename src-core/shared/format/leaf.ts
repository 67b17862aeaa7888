/**
 * B-tree leaf (docs/format-shared.md § Leaf): le16 magic 0x1eaf, le16 version 0, le32 count,
 * le64 base_chunk, le64 using_mask, then count+1 map entries {le32 offset, le32 rchunk} (the last is
 * the sentinel whose offset is the chunk size), and the exceptions {le64 share, le64 chunk} packed
 * from the chunk's end down. Origin chunk i of the leaf is base_chunk + map[i].rchunk; its
 * exceptions are the bytes map[i].offset .. map[i+1].offset.
 */
import { getU64Fast, joinU64, le32Words, LITTLE_ENDIAN_HOST, setU64, TWO32 } from './le.ts';
import type { LeafClearing } from './leaf-clearing.ts';

export const LEAF_MAGIC = 0x1eaf;
export const LEAF_VERSION = 0;
export const LEAF_HEADER_BYTES = 24;
export const MAP_ENTRY_BYTES = 8;
export const EXCEPTION_BYTES = 16;
export const LEAF_LAYOUT = {
  magic: { offset: 0, size: 2 },
  version: { offset: 2, size: 2 },
  count: { offset: 4, size: 4 },
  base_chunk: { offset: 8, size: 8 },
  using_mask: { offset: 16, size: 8 },
  map: { offset: 24, size: 8 },
  'map.offset': { offset: 0, size: 4 },
  'map.rchunk': { offset: 4, size: 4 },
  'exception.share': { offset: 0, size: 8 },
  'exception.chunk': { offset: 8, size: 8 },
} as const;

/** Most exceptions one origin chunk can have: its list alone must fit a leaf (29 with 512 B chunks). */
export function maxExceptionsPerOrigin(chunkBytes: number): number {
  return Math.floor((chunkBytes - LEAF_HEADER_BYTES - 2 * MAP_ENTRY_BYTES) / EXCEPTION_BYTES);
}

/** A leaf over one chunk's bytes. Exception positions `e` are byte offsets within the chunk. */
export class LeafView {
  readonly dv: DataView;
  /** The bytes as le32 words (le.ts `le32Words`), or null: then every field goes through `dv`. */
  private readonly w: Uint32Array | null;
  readonly size: number;
  /** What find's pre-touch read (kept so the loads are not dropped as unused). */
  private touched = 0;
  constructor(
    /** Where the bytes live; moves with the block when it is shadowed. */
    public chunk: number,
    readonly bytes: Uint8Array,
    /** Tests pass false to run the DataView code a big-endian host runs. */
    hostLittleEndian = LITTLE_ENDIAN_HOST,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    this.w = le32Words(bytes, hostLittleEndian);
    this.size = bytes.length;
  }

  get magic(): number {
    return this.dv.getUint16(LEAF_LAYOUT.magic.offset, true);
  }
  get version(): number {
    return this.dv.getUint16(LEAF_LAYOUT.version.offset, true);
  }
  get count(): number {
    const w = this.w;
    return w !== null ? w[1]! : this.dv.getUint32(4, true);
  }
  private set count(n: number) {
    this.dv.setUint32(4, n, true);
  }
  get baseChunk(): number {
    const w = this.w;
    return w !== null ? joinU64(w[3]!, w[2]!) : getU64Fast(this.dv, 8);
  }
  get usingLo(): number {
    return this.dv.getUint32(16, true);
  }
  get usingHi(): number {
    return this.dv.getUint32(20, true);
  }
  setUsing(lo: number, hi: number): void {
    this.dv.setUint32(16, lo >>> 0, true);
    this.dv.setUint32(20, hi >>> 0, true);
  }
  /** Start of origin i's exception list; listStart(count) is the sentinel (the chunk size). */
  listStart(i: number): number {
    const w = this.w;
    return w !== null ? w[6 + 2 * i]! : this.dv.getUint32(LEAF_HEADER_BYTES + i * MAP_ENTRY_BYTES, true);
  }
  rchunk(i: number): number {
    const w = this.w;
    return w !== null ? w[7 + 2 * i]! : this.dv.getUint32(LEAF_HEADER_BYTES + i * MAP_ENTRY_BYTES + 4, true);
  }
  origin(i: number): number {
    return this.baseChunk + this.rchunk(i);
  }
  shareLo(e: number): number {
    const w = this.w;
    return w !== null ? w[e >>> 2]! : this.dv.getUint32(e, true);
  }
  shareHi(e: number): number {
    const w = this.w;
    return w !== null ? w[(e >>> 2) + 1]! : this.dv.getUint32(e + 4, true);
  }
  exceptionChunk(e: number): number {
    return getU64Fast(this.dv, e + 8);
  }
  setShare(e: number, lo: number, hi: number): void {
    this.dv.setUint32(e, lo >>> 0, true);
    this.dv.setUint32(e + 4, hi >>> 0, true);
  }
  freeBytes(): number {
    return this.listStart(0) - (LEAF_HEADER_BYTES + (this.count + 1) * MAP_ENTRY_BYTES);
  }
  /** Bytes the map entries (without sentinel) and exceptions take: what a merge must move. */
  payloadBytes(): number {
    return this.count * MAP_ENTRY_BYTES + (this.size - this.listStart(0));
  }

  /** Index of `origin` if present, else -(insertion index) - 1 (binary search on rchunk). */
  find(origin: number): number {
    const count = this.count;
    const rel = origin - this.baseChunk;
    if (rel < 0 || rel >= TWO32) return rel < 0 ? -1 : -count - 1;
    const w = this.w;
    let lo = 0;
    let hi = count - 1;
    // One load per cache line of the map first: independent loads whose misses overlap, where
    // the binary search's loads each wait for the last (the leaf is seldom in the CPU's cache).
    if (w !== null) {
      let any = 0;
      for (let m = 22; m < 7 + 2 * count; m += 16) any |= w[m]!;
      this.touched = any;
    }
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const r = w !== null ? w[7 + 2 * mid]! : this.rchunk(mid);
      if (r < rel) lo = mid + 1;
      else if (r > rel) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  /** Whether `origin` can be stored relative to base_chunk (rchunk is 32 bits). */
  fitsBase(origin: number): boolean {
    const rel = origin - this.baseChunk;
    return rel >= 0 && rel < TWO32;
  }

  init(baseChunk: number): void {
    this.bytes.fill(0);
    this.dv.setUint16(0, LEAF_MAGIC, true);
    this.dv.setUint16(2, LEAF_VERSION, true);
    setU64(this.dv, 8, baseChunk);
    this.dv.setUint32(LEAF_HEADER_BYTES, this.size, true);
  }

  /** Inserts origin at map index i with an empty list; needs MAP_ENTRY_BYTES free. */
  insertOrigin(i: number, origin: number): void {
    const at = LEAF_HEADER_BYTES + i * MAP_ENTRY_BYTES;
    const end = LEAF_HEADER_BYTES + (this.count + 1) * MAP_ENTRY_BYTES;
    this.bytes.copyWithin(at + MAP_ENTRY_BYTES, at, end);
    this.dv.setUint32(at, this.listStart(i + 1), true);
    this.dv.setUint32(at + 4, origin - this.baseChunk, true);
    this.count = this.count + 1;
  }

  /** Adds an exception at the front of origin i's list; needs EXCEPTION_BYTES free. Returns its position. */
  insertException(i: number, lo: number, hi: number, chunk: number): number {
    const low = this.listStart(0);
    const at = this.listStart(i);
    this.bytes.copyWithin(low - EXCEPTION_BYTES, low, at);
    // Lists 0..i start 16 bytes lower: the map offsets of entries 0..i.
    const w = this.w;
    if (w !== null) for (let m = 6; m <= 6 + 2 * i; m += 2) w[m] = w[m]! - EXCEPTION_BYTES;
    else {
      for (let j = 0; j <= i; j++) {
        const m = LEAF_HEADER_BYTES + j * MAP_ENTRY_BYTES;
        this.dv.setUint32(m, this.dv.getUint32(m, true) - EXCEPTION_BYTES, true);
      }
    }
    const e = at - EXCEPTION_BYTES;
    this.setShare(e, lo, hi);
    setU64(this.dv, e + 8, chunk);
    this.setUsing(this.usingLo | lo, this.usingHi | hi);
    return e;
  }

  /**
   * Clears `lo/hi` bits from every share, drops exceptions left with no bits and origins left with
   * no exceptions, and recomputes using_mask. Returns whether it rewrote the leaf; `out` then holds,
   * in origin order, the exceptions that lost a bit but stay (with their new mask) and the dropped
   * ones, for the caller to report (a listener sees a whole leaf). Only origins in [from, to) are
   * cleared (a merge clears one batch of origins at a time).
   */
  clearBits(lo: number, hi: number, out: LeafClearing, from = 0, to = Infinity): boolean {
    if ((this.usingLo & lo) === 0 && (this.usingHi & hi) === 0) return false;
    const w = this.w;
    const kept = w !== null ? clearWords(w, this.count, this.baseChunk, lo, hi, out, from, to) : this.clearFields(lo, hi, out, from, to);
    const sentinel = LEAF_HEADER_BYTES + kept * MAP_ENTRY_BYTES;
    this.dv.setUint32(sentinel, this.size, true);
    this.dv.setUint32(sentinel + 4, 0, true);
    this.bytes.fill(0, sentinel + MAP_ENTRY_BYTES, this.listStart(0));
    this.count = kept;
    this.setUsing(out.usingLo, out.usingHi);
    return true;
  }

  /**
   * clearBits on a big-endian host, field by field through the DataView (`clearWords` is the
   * same walk over le32 words); returns the origins kept, their map entries written but not the
   * sentinel.
   */
  private clearFields(lo: number, hi: number, out: LeafClearing, from: number, to: number): number {
    const dv = this.dv;
    const size = this.size;
    const count = this.count;
    const base = this.baseChunk;
    const freed = out.freed;
    const unshared = out.unshared;
    // Both lists fill from their end down, as the walk goes from the last origin down.
    let f = freed.length;
    let u = unshared.length;
    let dest = size;
    let usingLo = 0;
    let usingHi = 0;
    // Walk lists from the last down, packing kept exceptions against the chunk end, field by
    // field (a copyWithin call per 16-byte exception cost more than the moves).
    let end = size;
    for (let i = count - 1; i >= 0; i--) {
      const m = LEAF_HEADER_BYTES + i * MAP_ENTRY_BYTES;
      const start = dv.getUint32(m, true);
      const origin = base + dv.getUint32(m + 4, true);
      const inRange = origin >= from && origin < to;
      const keepLo = inRange ? ~lo : -1;
      const keepHi = inRange ? ~hi : -1;
      for (let e = end - EXCEPTION_BYTES; e >= start; e -= EXCEPTION_BYTES) {
        const olo = dv.getUint32(e, true);
        const ohi = dv.getUint32(e + 4, true);
        const nlo = (olo & keepLo) >>> 0;
        const nhi = (ohi & keepHi) >>> 0;
        if (nlo === 0 && nhi === 0) {
          freed[--f] = getU64Fast(dv, e + 8);
          freed[--f] = origin;
          continue;
        }
        if (nlo !== olo || nhi !== ohi) {
          unshared[--u] = nhi;
          unshared[--u] = nlo;
          unshared[--u] = getU64Fast(dv, e + 8);
          unshared[--u] = origin;
        }
        dest -= EXCEPTION_BYTES;
        // dest ≥ e: the bytes there were read already.
        if (dest !== e) {
          dv.setUint32(dest + 8, dv.getUint32(e + 8, true), true);
          dv.setUint32(dest + 12, dv.getUint32(e + 12, true), true);
        }
        dv.setUint32(dest, nlo, true);
        dv.setUint32(dest + 4, nhi, true);
        usingLo |= nlo;
        usingHi |= nhi;
      }
      end = start;
      dv.setUint32(m, dest, true);
    }
    out.freedAt = f;
    out.unsharedAt = u;
    out.usingLo = usingLo >>> 0;
    out.usingHi = usingHi >>> 0;
    // Drop map entries whose list became empty (offset equals the next entry's).
    let kept = 0;
    for (let i = 0; i < count; i++) {
      const src = LEAF_HEADER_BYTES + i * MAP_ENTRY_BYTES;
      const off = dv.getUint32(src, true);
      const next = i + 1 < count ? dv.getUint32(src + MAP_ENTRY_BYTES, true) : size;
      if (off === next) continue;
      if (kept !== i) {
        const to = LEAF_HEADER_BYTES + kept * MAP_ENTRY_BYTES;
        dv.setUint32(to, off, true);
        dv.setUint32(to + 4, dv.getUint32(src + 4, true), true);
      }
      kept++;
    }
    return kept;
  }

  /** Moves origins p..count-1 to the freshly initialised leaf `right` (same base_chunk). */
  moveTail(p: number, right: LeafView): void {
    const count = this.count;
    const cut = this.listStart(p);
    const low = this.listStart(0);
    right.bytes.set(this.bytes.subarray(cut, this.size), cut);
    right.bytes.set(
      this.bytes.subarray(LEAF_HEADER_BYTES + p * MAP_ENTRY_BYTES, LEAF_HEADER_BYTES + (count + 1) * MAP_ENTRY_BYTES),
      LEAF_HEADER_BYTES,
    );
    right.count = count - p;
    // Slide the head's lists up against the chunk end.
    const shift = this.size - cut;
    this.bytes.copyWithin(low + shift, low, cut);
    this.bytes.fill(0, low, low + shift);
    for (let j = 0; j <= p; j++) {
      const m = LEAF_HEADER_BYTES + j * MAP_ENTRY_BYTES;
      this.dv.setUint32(m, this.dv.getUint32(m, true) + shift, true);
    }
    this.dv.setUint32(LEAF_HEADER_BYTES + p * MAP_ENTRY_BYTES + 4, 0, true);
    this.bytes.fill(0, LEAF_HEADER_BYTES + (p + 1) * MAP_ENTRY_BYTES, LEAF_HEADER_BYTES + (count + 1) * MAP_ENTRY_BYTES);
    this.count = p;
    this.recomputeUsing();
    right.recomputeUsing();
  }

  /** Appends every origin of `right` (which follows this leaf, same base_chunk); caller checks it fits. */
  append(right: LeafView): void {
    const n = this.count;
    const rn = right.count;
    const tail = this.size - right.listStart(0);
    const low = this.listStart(0);
    this.bytes.copyWithin(low - tail, low, this.size);
    for (let j = 0; j <= n; j++) {
      const m = LEAF_HEADER_BYTES + j * MAP_ENTRY_BYTES;
      this.dv.setUint32(m, this.dv.getUint32(m, true) - tail, true);
    }
    this.bytes.set(right.bytes.subarray(this.size - tail, this.size), this.size - tail);
    this.bytes.set(
      right.bytes.subarray(LEAF_HEADER_BYTES, LEAF_HEADER_BYTES + (rn + 1) * MAP_ENTRY_BYTES),
      LEAF_HEADER_BYTES + n * MAP_ENTRY_BYTES,
    );
    this.count = n + rn;
    this.setUsing(this.usingLo | right.usingLo, this.usingHi | right.usingHi);
  }

  /**
   * Sets using_mask to the union of every share. A split calls it for both halves: a word loop
   * rather than a call per exception, which counted while the split code ran unoptimised.
   */
  recomputeUsing(): void {
    let lo = 0;
    let hi = 0;
    const w = this.w;
    if (w !== null) {
      for (let k = this.listStart(0) >>> 2; k < w.length; k += EXCEPTION_BYTES >>> 2) {
        lo |= w[k]!;
        hi |= w[k + 1]!;
      }
    } else {
      for (let e = this.listStart(0); e < this.size; e += EXCEPTION_BYTES) {
        lo |= this.dv.getUint32(e, true);
        hi |= this.dv.getUint32(e + 4, true);
      }
    }
    this.setUsing(lo, hi);
  }
}

/**
 * LeafView.clearBits's walk over the leaf as le32 words `w` (a little-endian host): the same steps
 * as `clearFields`, with word indexes for byte offsets. A snapshot delete passes every exception
 * of the store through here, much of it before the optimiser has compiled it, and an array read is
 * far cheaper unoptimised than a DataView call.
 */
function clearWords(w: Uint32Array, count: number, base: number, lo: number, hi: number, out: LeafClearing, from: number, to: number): number {
  const MAP = LEAF_HEADER_BYTES >>> 2;
  const EXC = EXCEPTION_BYTES >>> 2;
  const size = w.length;
  const freed = out.freed;
  const unshared = out.unshared;
  let f = freed.length;
  let u = unshared.length;
  let dest = size;
  let usingLo = 0;
  let usingHi = 0;
  let end = size;
  for (let i = count - 1; i >= 0; i--) {
    const m = MAP + 2 * i;
    const start = w[m]! >>> 2;
    const origin = base + w[m + 1]!;
    const inRange = origin >= from && origin < to;
    const keepLo = inRange ? ~lo : -1;
    const keepHi = inRange ? ~hi : -1;
    for (let e = end - EXC; e >= start; e -= EXC) {
      const olo = w[e]!;
      const ohi = w[e + 1]!;
      const nlo = (olo & keepLo) >>> 0;
      const nhi = (ohi & keepHi) >>> 0;
      if (nlo === 0 && nhi === 0) {
        freed[--f] = joinU64(w[e + 3]!, w[e + 2]!);
        freed[--f] = origin;
        continue;
      }
      if (nlo !== olo || nhi !== ohi) {
        unshared[--u] = nhi;
        unshared[--u] = nlo;
        unshared[--u] = joinU64(w[e + 3]!, w[e + 2]!);
        unshared[--u] = origin;
      }
      dest -= EXC;
      // dest ≥ e: the words there were read already.
      if (dest !== e) {
        w[dest + 2] = w[e + 2]!;
        w[dest + 3] = w[e + 3]!;
      }
      w[dest] = nlo;
      w[dest + 1] = nhi;
      usingLo |= nlo;
      usingHi |= nhi;
    }
    end = start;
    w[m] = dest << 2;
  }
  out.freedAt = f;
  out.unsharedAt = u;
  out.usingLo = usingLo >>> 0;
  out.usingHi = usingHi >>> 0;
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const src = MAP + 2 * i;
    const off = w[src]!;
    const next = i + 1 < count ? w[src + 2]! : size << 2;
    if (off === next) continue;
    if (kept !== i) {
      w[MAP + 2 * kept] = off;
      w[MAP + 2 * kept + 1] = w[src + 1]!;
    }
    kept++;
  }
  return kept;
}
