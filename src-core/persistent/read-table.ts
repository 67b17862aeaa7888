/**
 * Reads the exception table the way read_exceptions()/insert_exceptions() do: area after area
 * while the previous one was full; an area ends at its first entry whose new_chunk is 0. Every
 * entry is validated (docs/format-persistent.md, "Reading rules"), so a garbage area is an error
 * naming the area, entry and field instead of a wrong snapshot.
 */
import type { BlockDevice } from '../io/block-device.ts';
import { SnapscopeError } from '../errors.ts';
import { ExceptionTable } from './exception-table.ts';
import { ENTRY_BYTES, ENTRY_FIELDS, corrupt, le64Hex, readLe64, view, type Geometry } from './format.ts';

export interface ScannedTable {
  table: ExceptionTable;
  /** The kernel's current_area: the first area that is not full. */
  currentArea: number;
  /** Entries in the current area (current_committed). */
  committed: number;
  /** The kernel's next_free after loading. */
  nextFree: number;
}

export function readTable(
  cow: BlockDevice,
  geo: Geometry,
  chunkCount: number,
  onProgress?: (done: number, total: number) => void,
): ScannedTable {
  const epa = geo.exceptionsPerArea;
  const table = new ExceptionTable(Math.min(epa * 4, 1 << 20));
  const area = new Uint8Array(geo.chunkBytes);
  const v = view(area);
  const used = new Uint8Array(Math.ceil(chunkCount / 8)); // data chunks already claimed
  let nextFree = geo.areaLocation(0) + 1;
  let currentArea = 0;
  let committed = 0;
  for (; ; currentArea++) {
    const location = geo.areaLocation(currentArea);
    if (location >= chunkCount) {
      throw new SnapscopeError(
        'io',
        `metadata area ${currentArea} at chunk ${location} is past the end of the COW (${chunkCount} chunks): the COW is truncated`,
        { device: cow.name, chunk: location },
      );
    }
    cow.read(location * geo.chunkBytes, area);
    committed = epa;
    for (let i = 0; i < epa; i++) {
      const at = i * ENTRY_BYTES;
      const newChunk = readLe64(v, at + ENTRY_FIELDS.newChunk.offset);
      if (newChunk === 0) {
        committed = i;
        break;
      }
      const oldChunk = readLe64(v, at + ENTRY_FIELDS.oldChunk.offset);
      const where = { device: cow.name, chunk: location, entry: i };
      const what = `area ${currentArea} entry ${i}`;
      if (oldChunk < 0) throw corrupt(`${what}: old_chunk ${le64Hex(v, at)} is not a chunk number`, { ...where, field: 'old_chunk' });
      if (newChunk < 0 || newChunk >= chunkCount) {
        const shown = newChunk < 0 ? le64Hex(v, at + 8) : String(newChunk);
        throw corrupt(`${what}: new_chunk ${shown} is past the end of the COW (${chunkCount} chunks; truncated, or garbage)`, {
          ...where,
          field: 'new_chunk',
        });
      }
      if (geo.isMetadataChunk(newChunk)) {
        throw corrupt(`${what}: new_chunk ${newChunk} is the header or a metadata area`, { ...where, field: 'new_chunk' });
      }
      const bit = 1 << (newChunk & 7);
      const byte = newChunk >>> 3;
      if (used[byte]! & bit) throw corrupt(`${what}: new_chunk ${newChunk} is used by an earlier entry too`, { ...where, field: 'new_chunk' });
      used[byte]! |= bit;
      const twin = table.find(oldChunk);
      if (twin >= 0) {
        throw corrupt(`${what}: origin chunk ${oldChunk} already has an exception (entry ${twin} of the table)`, {
          ...where,
          field: 'old_chunk',
        });
      }
      table.push(oldChunk, newChunk);
      if (nextFree <= newChunk) nextFree = newChunk + 1;
    }
    onProgress?.(Math.min(location + geo.stride, chunkCount), chunkCount);
    if (committed < epa) break;
  }
  return { table, currentArea, committed, nextFree: geo.skipMetadata(nextFree) };
}
