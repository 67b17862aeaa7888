/**
 * Reads the exception table the way read_exceptions()/insert_exceptions() do: area after area
 * while the previous one was full; an area ends at its first entry whose new_chunk is 0. Every
 * entry is validated (docs/format-persistent.md, "Reading rules"), so a garbage area is an error
 * naming the area, entry and field instead of a wrong snapshot.
 */
import type { BlockDevice } from '../io/block-device.ts';
import { SnapscopeError } from '../errors.ts';
import { ExceptionTable, firstTwins } from './exception-table.ts';
import { AREA_READ_BYTES, ENTRY_BYTES, ENTRY_FIELDS, NUM_SNAPSHOT_HDR_CHUNKS, corrupt, le64Hex, readLe64, view, type Geometry } from './format.ts';

/** The error for an entry that failed the fast checks: says which field and why. */
function badEntry(cow: BlockDevice, v: DataView, at: number, location: number, area: number, i: number, chunkCount: number): SnapscopeError {
  const where = { device: cow.name, chunk: location, entry: i };
  const what = `area ${area} entry ${i}`;
  const oldOffset = at + ENTRY_FIELDS.oldChunk.offset;
  const newOffset = at + ENTRY_FIELDS.newChunk.offset;
  if (readLe64(v, oldOffset) < 0) return corrupt(`${what}: old_chunk ${le64Hex(v, oldOffset)} is not a chunk number`, { ...where, field: 'old_chunk' });
  const newChunk = readLe64(v, newOffset);
  if (newChunk < 0 || newChunk >= chunkCount) {
    const shown = newChunk < 0 ? le64Hex(v, newOffset) : String(newChunk);
    return corrupt(`${what}: new_chunk ${shown} is past the end of the COW (${chunkCount} chunks; truncated, or garbage)`, { ...where, field: 'new_chunk' });
  }
  return corrupt(`${what}: new_chunk ${newChunk} is the header or a metadata area`, { ...where, field: 'new_chunk' });
}

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
  const stride = geo.stride;
  // Upper bound on entries: data chunks of the device (capped; the table grows past it if needed).
  const table = new ExceptionTable(Math.min(chunkCount, 1 << 22));
  const area = new Uint8Array(Math.min(geo.chunkBytes, AREA_READ_BYTES));
  const v = view(area);
  const used = new Uint8Array(Math.ceil(chunkCount / 8)); // data chunks already claimed
  let nextFree = geo.areaLocation(0) + 1;
  let currentArea = 0;
  let committed = 0;
  let maxOld = 0;
  for (; ; currentArea++) {
    const location = geo.areaLocation(currentArea);
    if (location >= chunkCount) {
      throw new SnapscopeError(
        'io',
        `metadata area ${currentArea} at chunk ${location} is past the end of the COW (${chunkCount} chunks): the COW is truncated`,
        { device: cow.name, chunk: location },
      );
    }
    committed = epa;
    // Entries go straight into the table's arrays, room made for each piece read.
    let olds = table.oldChunk;
    let news = table.newChunk;
    let n = table.count;
    for (let i = 0, at = area.length; i < epa; i++, at += ENTRY_BYTES) {
      if (at === area.length) {
        cow.read(location * geo.chunkBytes + i * ENTRY_BYTES, area);
        at = 0;
        table.count = n;
        table.reserve(area.length / ENTRY_BYTES);
        olds = table.oldChunk;
        news = table.newChunk;
      }
      // Inline le64 decoding (format.ts readLe64): this loop runs once per exception.
      const newLo = v.getUint32(at + 8, true);
      const newHi = v.getUint32(at + 12, true);
      if (newLo === 0 && newHi === 0) {
        committed = i;
        break;
      }
      const oldHi = v.getUint32(at + 4, true);
      const oldChunk = oldHi * 0x1_0000_0000 + v.getUint32(at, true);
      const newChunk = newHi * 0x1_0000_0000 + newLo;
      // Chunk numbers fit in 2^53; new_chunk is a data chunk of this device (not an area location).
      // Below 2^31 the remainder is an int32 one (a double % is a library call, and this runs per entry).
      const inArea = newHi === 0 && newLo < 0x8000_0000 ? (newLo | 0) % stride : newChunk % stride;
      if (oldHi >= 0x20_0000 || newChunk >= chunkCount || inArea === NUM_SNAPSHOT_HDR_CHUNKS) {
        throw badEntry(cow, v, at, location, currentArea, i, chunkCount);
      }
      const bit = 1 << (newChunk & 7);
      const byte = newChunk >>> 3;
      if ((used[byte]! & bit) !== 0) {
        throw corrupt(`area ${currentArea} entry ${i}: new_chunk ${newChunk} is used by an earlier entry too`, {
          device: cow.name,
          chunk: location,
          entry: i,
          field: 'new_chunk',
        });
      }
      used[byte] = used[byte]! | bit;
      if (oldChunk > maxOld) maxOld = oldChunk;
      olds[n] = oldChunk;
      news[n++] = newChunk;
      if (nextFree <= newChunk) nextFree = newChunk + 1;
    }
    table.count = n;
    onProgress?.(Math.min(location + stride, chunkCount), chunkCount);
    if (committed < epa) break;
  }
  const twins = firstTwins(table, maxOld);
  if (twins) {
    const [first, second] = twins;
    const secondArea = Math.floor(second / epa);
    throw corrupt(
      `area ${secondArea} entry ${second % epa}: origin chunk ${table.oldChunk[second]} already has an exception (entry ${first} of the table)`,
      { device: cow.name, chunk: geo.areaLocation(secondArea), entry: second % epa, field: 'old_chunk' },
    );
  }
  return { table, currentArea, committed, nextFree: geo.skipMetadata(nextFree) };
}
