import path from 'node:path';
import { FIRST_DATA, writeMetadataStore } from './metadata-store.ts';

const SLOTS = [...Array(64).keys()];

/**
 * Who shares which copy of origin chunk `o`: six patterns in turn, each a list of slot groups
 * (one copy per group; slots in no group read the origin): all 64 on one copy; even and odd
 * slots (sharers that are not neighbours); two halves; eight snapshots with copies of their own;
 * every tenth slot on one copy and slots 1–9 on another; eight groups of eight.
 */
export function groupsOf(o: number): number[][] {
  switch (o % 6) {
    case 0:
      return [SLOTS];
    case 1:
      return [SLOTS.filter((s) => s % 2 === 0), SLOTS.filter((s) => s % 2 === 1)];
    case 2:
      return [SLOTS.slice(0, 32), SLOTS.slice(32)];
    case 3:
      return SLOTS.slice(0, 8).map((s) => [s]);
    case 4:
      return [SLOTS.filter((s) => s % 10 === 0), SLOTS.slice(1, 10)];
    default:
      return [...Array(8).keys()].map((g) => SLOTS.slice(g * 8, g * 8 + 8));
  }
}

export interface ManySnapshots {
  cow: string;
  origins: number;
  exceptions: number;
  names: string[];
}

/** A shared store of 64 snapshots over `origins` origin chunks (metadata only, a sparse file). */
export function makeManySnapshots(dir: string, origins = 3000): ManySnapshots {
  let exceptions = 0;
  for (let o = 0; o < origins; o++) exceptions += groupsOf(o).length;
  const chunkCount = FIRST_DATA + exceptions + 1000;
  const cow = path.join(dir, 'many.cow');
  const day = (slot: number): string => new Date(Date.UTC(2026, 8, 1) + slot * 86_400_000).toISOString().slice(0, 10);
  const names = SLOTS.map((slot) => `daily-${day(slot)}`);
  writeMetadataStore(cow, chunkCount, names, 1_788_220_800, {
    forEach(visit) {
      let chunk = FIRST_DATA;
      for (let o = 0; o < origins; o++) {
        for (const group of groupsOf(o)) {
          let lo = 0;
          let hi = 0;
          for (const s of group) {
            if (s < 32) lo = (lo | (1 << s)) >>> 0;
            else hi = (hi | (1 << (s - 32))) >>> 0;
          }
          visit(o, chunk++, lo, hi);
        }
      }
    },
  });
  return { cow, origins, exceptions, names };
}
