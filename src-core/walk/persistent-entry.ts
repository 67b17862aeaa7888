/** How the persistent walk's findings name a table entry: its fields as found, even when they are not chunk numbers. */
import { ENTRY_BYTES, ENTRY_FIELDS, le64Hex, readLe64 } from '../persistent/format.ts';

/** Where a finding about an entry's new_chunk is (built only for a finding: checks run once per exception). */
export function entryWhere(v: DataView, at: number, i: number, newChunk: number): { entry: number; field: string; found: string | number } {
  return { entry: i, field: 'new_chunk', found: readLe64(v, at + ENTRY_FIELDS.newChunk.offset) < 0 ? le64Hex(v, at + ENTRY_FIELDS.newChunk.offset) : newChunk };
}

export function newChunkText(v: DataView, at: number, newChunk: number): string {
  return readLe64(v, at + ENTRY_FIELDS.newChunk.offset) < 0 ? le64Hex(v, at + ENTRY_FIELDS.newChunk.offset) : String(newChunk);
}

export function isZeroEntry(v: DataView, at: number): boolean {
  for (let b = 0; b < ENTRY_BYTES; b += 4) if (v.getUint32(at + b, true) !== 0) return false;
  return true;
}

export function entryText(v: DataView, at: number): string {
  return `old_chunk ${le64Hex(v, at + ENTRY_FIELDS.oldChunk.offset)}, new_chunk ${le64Hex(v, at + ENTRY_FIELDS.newChunk.offset)}`;
}
