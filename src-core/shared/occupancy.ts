import { testBit } from './format/bitmap.ts';
import type { ChunkRoles } from './txn/roles.ts';
import type { Occupancy } from '../occupancy.ts';
import { SHARED_CHUNK_ROLES, type SharedChunkRole } from './types.ts';

const POP8 = Uint8Array.from({ length: 256 }, (_, i) => {
  let n = 0;
  for (let x = i; x; x >>= 1) n += x & 1;
  return n;
});

/** Set bits in [a, b): whole bytes by table, the ragged ends bit by bit. */
function countSet(bits: Uint8Array, a: number, b: number): number {
  let n = 0;
  let c = a;
  for (; c < b && (c & 7) !== 0; c++) if (testBit(bits, c)) n++;
  for (; c + 8 <= b; c += 8) n += POP8[bits[c >>> 3]!]!;
  for (; c < b; c++) if (testBit(bits, c)) n++;
  return n;
}

/**
 * Role counts per bucket: allocated chunks from the bitmap, then each metadata chunk moved from
 * 'exception' to its role. Costs O(range / 8 + metadata chunks).
 */
export function countOccupancy(bits: Uint8Array, roles: ChunkRoles, firstTreeChunk: number, start: number, end: number, buckets: number): Occupancy {
  const span = Math.max(0, end - start);
  const width = Math.max(1, Math.ceil(span / buckets));
  const n = Math.ceil(span / width);
  const counts = Object.fromEntries(SHARED_CHUNK_ROLES.map((r) => [r, new Array<number>(n).fill(0)])) as Record<SharedChunkRole, number[]>;
  for (let b = 0; b < n; b++) {
    const s = start + b * width;
    const e = Math.min(end, s + width);
    const used = countSet(bits, s, e);
    counts.free[b] = e - s - used;
    counts.exception[b] = used;
    const reservedEnd = Math.min(e, firstTreeChunk);
    for (let c = s; c < reservedEnd; c++) {
      counts[c === 0 ? 'header' : 'bitmap'][b]!++;
      counts.exception[b]!--;
    }
  }
  const attribute = (set: Iterable<number>, role: SharedChunkRole) => {
    for (const c of set) {
      if (c < start || c >= end) continue;
      const b = Math.floor((c - start) / width);
      counts[role][b]!++;
      counts.exception[b]!--;
    }
  };
  attribute(roles.nodes, 'node');
  attribute(roles.leaves, 'leaf');
  attribute(roles.labels, 'label');
  attribute(roles.pendingFree, 'pending-free');
  return { start, end, buckets: n, chunksPerBucket: n > 0 ? width : 0, counts };
}
