import fs from 'node:fs';
import path from 'node:path';
import { buildShared } from '../src-core/ir/shared-builder.ts';
import { FileDevice } from '../src-main/host/file-device.ts';

const CHUNK_BYTES = 4096;
const FIRST_DATA = 64;
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
  fs.writeFileSync(cow, '');
  fs.truncateSync(cow, chunkCount * CHUNK_BYTES);
  const day = (slot: number): string => new Date(Date.UTC(2026, 8, 1) + slot * 86_400_000).toISOString().slice(0, 10);
  const names = SLOTS.map((slot) => `daily-${day(slot)}`);
  const device = FileDevice.open(cow, { write: true });
  try {
    buildShared(
      device,
      {
        format: 'shared',
        chunkBytes: CHUNK_BYTES,
        chunkCount,
        valid: true,
        version: 1,
        snapmask: (1n << 64n) - 1n,
        snapshots: names.map((name, slot) => ({ slot, name, uuid: `00000000-0000-4000-8000-${String(slot).padStart(12, '0')}`, created: 1_788_220_800 + slot * 86_400 })),
      },
      {
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
      },
    );
  } finally {
    device.close();
  }
  return { cow, origins, exceptions, names };
}
