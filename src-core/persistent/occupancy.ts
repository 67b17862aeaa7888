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
  const { newChunk, count } = state.table;
  for (let i = 0; i < count; i++) add(data, newChunk[i]!);
  const free = header.map((h, b) => Math.min(per, end - start - b * per) - h - metadata[b]! - data[b]!);
  return { start, end, buckets: n, chunksPerBucket: per, counts: { header, 'metadata-area': metadata, data, free } };
}
