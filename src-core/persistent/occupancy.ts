/** Chunk roles of a persistent COW, counted per bucket for the allocation map. */
import type { Occupancy } from '../occupancy.ts';
import { SnapscopeError } from '../errors.ts';
import type { Geometry } from './format.ts';
import type { ExceptionTable } from './exception-table.ts';

export function chunkOccupancy(
  geo: Geometry,
  state: { table: ExceptionTable; currentArea: number },
  chunkCount: number,
  start: number,
  end: number,
  buckets: number,
): Occupancy {
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && end <= chunkCount && start < end && buckets >= 1)) {
    throw new SnapscopeError('usage', `occupancy range [${start}, ${end}) in ${buckets} buckets is not within the COW's ${chunkCount} chunks`);
  }
  const per = Math.ceil((end - start) / Math.floor(buckets));
  const n = Math.ceil((end - start) / per);
  const header = new Array<number>(n).fill(0);
  const metadata = new Array<number>(n).fill(0);
  const data = new Array<number>(n).fill(0);
  const add = (counts: number[], chunk: number): void => {
    if (chunk >= start && chunk < end) counts[Math.floor((chunk - start) / per)]!++;
  };
  add(header, 0);
  for (let a = 0; a <= state.currentArea; a++) add(metadata, geo.areaLocation(a));
  const { table } = state;
  if (table.inAllocationOrder()) {
    // The data chunks are every data chunk from the first to allocatedChunk(count - 1): counted per bucket, not per entry.
    const below = (x: number): number => allocatedBelow(geo, table.count, x);
    for (let b = 0; b < n; b++) data[b] = below(Math.min(end, start + (b + 1) * per)) - below(start + b * per);
  } else {
    const { newChunk, count } = table;
    for (let i = 0; i < count; i++) add(data, newChunk[i]!);
  }
  const free = header.map((h, b) => Math.min(per, end - start - b * per) - h - metadata[b]! - data[b]!);
  return { start, end, buckets: n, chunksPerBucket: per, counts: { header, 'metadata-area': metadata, data, free } };
}

/** How many of the first `count` chunks the allocator hands out lie below chunk `x`. */
function allocatedBelow(geo: Geometry, count: number, x: number): number {
  if (count === 0) return 0;
  const first = geo.allocatedChunk(0);
  const y = Math.min(x, geo.allocatedChunk(count - 1) + 1);
  if (y <= first) return 0;
  // Chunks [first, y) less the area locations among them (area a sits at areaLocation(a); area 0 is below first).
  const areas = Math.ceil((y - geo.areaLocation(0)) / geo.stride) - 1;
  return y - first - areas;
}
