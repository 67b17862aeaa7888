/**
 * 64-bit share masks as two unsigned 32-bit halves. Hot paths (lookups, the origin rule) use the
 * halves so they never allocate a BigInt; the API and events use bigint.
 */
export function toBigMask(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export function maskLo(mask: bigint): number {
  return Number(mask & 0xffffffffn);
}

export function maskHi(mask: bigint): number {
  return Number((mask >> 32n) & 0xffffffffn);
}

/** The half-mask bit of `slot` (0..63): lo when slot < 32. */
export function slotBit(slot: number): number {
  return (1 << (slot & 31)) >>> 0;
}

/** The slots whose bits are set in the two halves, ascending; no BigInt per bit. */
export function slotsOfHalves(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (const [base, half] of [[0, lo], [32, hi]] as const) {
    let bits = half >>> 0;
    while (bits !== 0) {
      const low = bits & -bits;
      out.push(base + 31 - Math.clz32(low));
      bits = (bits ^ low) >>> 0;
    }
  }
  return out;
}

export function slotsOfMask(mask: bigint): number[] {
  return slotsOfHalves(maskLo(mask), maskHi(mask));
}

export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
