/**
 * One persistent table entry with every rule named: the walk sends here each entry its fast loops
 * (persistent-fast.ts) did not take, and every entry when someone visits them. Each problem is a
 * finding (strict: the first throws).
 */
import { ENTRY_FIELDS, NUM_SNAPSHOT_HDR_CHUNKS, le64Hex, readLe64, type Geometry } from '../persistent/format.ts';
import type { FindingLog } from './findings.ts';
import type { FindingKind } from './kinds.ts';
import { entryWhere, newChunkText } from './persistent-entry.ts';
import type { TableSoFar } from './persistent-table.ts';

/**
 * Receives every table entry in table order (before the end), valid or not (repair needs the
 * positions), with the first problem found in the entry itself or null. A duplicate old_chunk
 * shows only over the whole table: `firstOriginDuplicate` after the walk.
 */
export type EntryVisitor = (oldChunk: number, newChunk: number, problem: FindingKind | null) => void;

/** Entry `i` of the area in `chunk`, at `at` in `v`: records it in `t`, its problem in `log`, and hands it to `visit`. */
export function judgeEntry(t: TableSoFar, log: FindingLog, geo: Geometry, chunk: number, i: number, v: DataView, at: number, newChunk: number, visit: EntryVisitor | null): void {
  t.markUsed();
  const old = readLe64(v, at + ENTRY_FIELDS.oldChunk.offset);
  if (old < 0) log.add('p-origin-invalid', chunk, `old_chunk ${le64Hex(v, at + ENTRY_FIELDS.oldChunk.offset)} is at or above 2^53: not a chunk number`, { entry: i, field: 'old_chunk', found: le64Hex(v, at + ENTRY_FIELDS.oldChunk.offset) });
  const newProblem = checkNewChunk(t, log, geo, chunk, i, v, at, newChunk);
  t.add(old, newProblem === null ? newChunk : -1);
  visit?.(old, newChunk, old < 0 ? 'p-origin-invalid' : newProblem);
}

/** new_chunk: a data chunk of the device that no earlier entry uses (marked used if so); else the finding's kind. */
function checkNewChunk(t: TableSoFar, log: FindingLog, geo: Geometry, chunk: number, i: number, v: DataView, at: number, newChunk: number): FindingKind | null {
  if (newChunk >= t.chunkCount) {
    log.add('p-chunk-out-of-range', chunk, `new_chunk ${newChunkText(v, at, newChunk)} is past the end of the device (${t.chunkCount} chunks; truncated?)`, { ...entryWhere(v, at, i, newChunk), expected: `< ${t.chunkCount}` });
    return 'p-chunk-out-of-range';
  }
  if (geo.isMetadataChunk(newChunk)) {
    log.add('p-chunk-metadata', chunk, `new_chunk ${newChunk} is ${newChunk < NUM_SNAPSHOT_HDR_CHUNKS ? 'the header' : 'a metadata area'}`, { ...entryWhere(v, at, i, newChunk), expected: 'a data chunk' });
    return 'p-chunk-metadata';
  }
  if (t.used.testAndSet(newChunk)) {
    log.add('p-chunk-duplicate', chunk, `new_chunk ${newChunk} is already used by an earlier exception`, { ...entryWhere(v, at, i, newChunk), expected: 'a chunk no other exception uses' });
    return 'p-chunk-duplicate';
  }
  return null;
}
