/**
 * 64-bit share masks cross the API as hex strings ("0x000000000000000a"): bigint does not survive
 * JSON, and a double loses bits above 2^53.
 */
import { slotsOfMask } from '../shared/mask.ts';

export type HexMask = string;

export function maskToHex(mask: bigint): HexMask {
  return `0x${BigInt.asUintN(64, mask).toString(16).padStart(16, '0')}`;
}

export function hexToMask(hex: HexMask): bigint {
  if (!/^0x[0-9a-fA-F]{1,16}$/.test(hex)) throw new Error(`not a 64-bit hex mask: ${hex}`);
  return BigInt(hex);
}

/** The slots whose bits are set, ascending. */
export function maskSlots(mask: bigint | HexMask): number[] {
  return slotsOfMask(typeof mask === 'string' ? hexToMask(mask) : mask);
}
