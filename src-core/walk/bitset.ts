import { popcount32 } from '../shared/format/bitmap.ts';

/** log2 of the bits of a block `touched` keeps a flag for: 512 bytes of words, the bitmap chunk of the smallest chunk size. */
const BLOCK_SHIFT = 12;

/**
 * One bit per chunk. The checker and repair remember "seen" chunks here rather than in a
 * Set<number>: 5M chunks cost 625 KiB instead of hundreds of MiB. At the format's 2^32 chunks the
 * words are 512 MiB, resident only where a bit was set; a flag per 512 bytes of words says where, so
 * a look over the whole set skips the rest without touching it (faulting in 131,072 zero pages
 * took 0.4-0.7 s of a walk of a store holding little).
 */
export class Bitset {
  /** The bits. A bit set here directly (persistent-fast.ts) is unknown to `blank`. */
  readonly words: Uint32Array;
  /** Per block of 2^12 bits: 1 once a bit in it was set (1 MiB at 2^32 chunks). */
  private readonly touched: Uint8Array;
  constructor(readonly size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32));
    this.touched = new Uint8Array(Math.ceil(size / 2 ** BLOCK_SHIFT));
  }
  has(i: number): boolean {
    return i >= 0 && i < this.size && (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }
  set(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
    this.touched[i >>> BLOCK_SHIFT] = 1;
  }
  clear(i: number): void {
    this.words[i >>> 5]! &= ~(1 << (i & 31));
  }
  /** Sets bit `i` and says whether it was already set (a second reference). */
  testAndSet(i: number): boolean {
    const w = i >>> 5;
    const bit = 1 << (i & 31);
    const old = this.words[w]!;
    this.words[w] = old | bit;
    this.touched[i >>> BLOCK_SHIFT] = 1;
    return (old & bit) !== 0;
  }
  /** Sets bits [from, to), a word at a time (an open marks millions of chunks in order at once). */
  setRange(from: number, to: number): void {
    if (from >= to) return;
    this.touched.fill(1, from >>> BLOCK_SHIFT, ((to - 1) >>> BLOCK_SHIFT) + 1);
    const words = this.words;
    const fw = from >>> 5;
    const tw = to >>> 5;
    const low = ~0 << (from & 31);
    const high = (to & 31) === 0 ? 0 : ~0 >>> (32 - (to & 31));
    if (fw === tw) {
      words[fw]! |= low & high;
      return;
    }
    words[fw]! |= low;
    words.fill(0xffff_ffff, fw + 1, tw);
    if (high !== 0) words[tw]! |= high;
  }
  /** Whether words [from, to) are surely all zero (no bit in their blocks was ever set); looks only at the flags. */
  blank(from: number, to: number): boolean {
    for (let b = from >>> (BLOCK_SHIFT - 5); b < Math.ceil(to / 2 ** (BLOCK_SHIFT - 5)); b++) if (this.touched[b] === 1) return false;
    return true;
  }

  count(): number {
    let n = 0;
    for (const w of this.words) n += popcount32(w);
    return n;
  }
}

const POP8 = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let v = b; v; v &= v - 1) n++;
  return n;
});

/** Set bits among the first `n` bits of `bytes` (bit k of byte b is bit 8b + k, as in the bitmap). */
export function popcount(bytes: Uint8Array, n: number): number {
  let count = 0;
  let i = 0;
  // Whole words at once where aligned (a bitmap chunk's buffer): a byte at a time took a second
  // over the 512 MiB bitmap of the format's 2^32 chunks.
  if (bytes.byteOffset % 4 === 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, n >>> 5);
    for (let k = 0; k < words.length; k++) count += popcount32(words[k]!);
    i = words.length * 4;
  }
  const whole = n >>> 3;
  for (; i < whole; i++) count += POP8[bytes[i]!]!;
  if (n & 7) count += POP8[bytes[whole]! & ((1 << (n & 7)) - 1)]!;
  return count;
}
