/**
 * Checks a persistent (kernel) COW: the header, then the exception table area by area as the
 * kernel reads it (docs/format-persistent.md), then cross-checks over the whole table. Memory:
 * one bit per COW chunk, one float per exception and an index table (for duplicate old_chunks).
 */
import { SECTOR_BYTES, type BlockDevice } from '../io/block-device.ts';
import type { Task } from '../jobs/job.ts';
import type { Progress } from '../jobs/progress.ts';
import { SnapscopeError } from '../errors.ts';
import {
  AREA_READ_BYTES,
  ENTRY_BYTES,
  ENTRY_FIELDS,
  HEADER_BYTES,
  NUM_SNAPSHOT_HDR_CHUNKS,
  SNAPSHOT_DISK_VERSION,
  Geometry,
  chunkSizeProblem,
  decodeHeader,
  le64Hex,
  readLe64,
  view,
  type DiskHeader,
} from '../persistent/format.ts';
import { forEachRepeat } from '../persistent/exception-table.ts';
import { Bitset } from './bitset.ts';
import { FindingLog, type CheckReport } from './findings.ts';
import type { FindingKind } from './kinds.ts';

type Phase = 'table' | 'cross-check' | 'done';

/**
 * Receives every table entry in table order (before the end), valid or not (repair needs the
 * positions), with the first problem found in the entry itself or null. A duplicate old_chunk
 * shows only over the whole table: `firstOriginDuplicate` after the check.
 */
export type EntryVisitor = (oldChunk: number, newChunk: number, problem: FindingKind | null) => void;

export class PersistentWalk implements Task<CheckReport> {
  readonly log = new FindingLog();
  readonly header: DiskHeader;
  private readonly geo: Geometry | null;
  readonly chunkCount: number;
  private readonly used: Bitset;
  private olds = new Float64Array(1024);
  /** Table index of the first entry remapping an old_chunk an earlier entry remaps, or -1. */
  firstOriginDuplicate = -1;
  private exceptions = 0;
  /** Highest valid new_chunk: the kernel's next_free is one past it. */
  private maxChunk = NUM_SNAPSHOT_HDR_CHUNKS;
  private area = 0;
  private phase: Phase = 'table';
  private readonly buf: Uint8Array;

  constructor(
    private readonly cow: BlockDevice,
    private readonly visit: EntryVisitor | null = null,
  ) {
    if (cow.size < HEADER_BYTES) throw new SnapscopeError('not-a-store', `${cow.name} is too short for a persistent header`, { device: cow.name });
    const head = new Uint8Array(HEADER_BYTES);
    cow.read(0, head);
    const h = decodeHeader(head);
    this.header = h;
    if (h.valid === 0) this.log.add('p-header-invalid', 0, 'the snapshot was invalidated by the kernel (it overflowed or failed); it cannot be activated', { expected: 1, found: 0 });
    if (h.version !== SNAPSHOT_DISK_VERSION) this.log.add('p-header-version', 0, `unknown header version ${h.version}`, { expected: SNAPSHOT_DISK_VERSION, found: h.version });
    // What PersistentStore.open refuses: a chunk size the kernel rejects, or one that leaves no
    // room for the header and area 0.
    const problem =
      chunkSizeProblem(h.chunkSectors) ?? (2 * h.chunkSectors * SECTOR_BYTES > cow.size ? `leaves no room for metadata area 0 in a ${cow.size}-byte device` : null);
    if (problem) {
      this.log.add('p-header-chunk-size', 0, `chunk size ${h.chunkSectors} sectors ${problem}; the table cannot be located`, { found: h.chunkSectors });
      this.geo = null;
      this.chunkCount = 0;
      this.phase = 'done';
    } else {
      this.geo = new Geometry(h.chunkSectors);
      this.chunkCount = Math.floor(cow.size / this.geo.chunkBytes);
    }
    this.used = new Bitset(this.chunkCount);
    this.buf = new Uint8Array(Math.min(this.geo?.chunkBytes ?? 0, AREA_READ_BYTES));
  }

  get geometry(): Geometry | null {
    return this.geo;
  }

  /** The kernel's next_free and current_area for this table (dmsetup status figures). */
  kernelCursor(): { nextFree: number; currentArea: number } {
    return { nextFree: this.geo ? this.geo.skipMetadata(this.maxChunk + 1) : 0, currentArea: this.area };
  }

  get chunkBytes(): number {
    return this.geo?.chunkBytes ?? 0;
  }

  step(): boolean {
    const geo = this.geo;
    if (geo === null || this.phase === 'done') return true;
    if (this.phase === 'table') this.readArea(geo);
    else this.crossCheck(geo);
    return this.finished();
  }

  private finished(): boolean {
    return this.phase === 'done';
  }

  progress(): Progress {
    const total = this.geo ? Math.ceil(this.chunkCount / this.geo.stride) : 0;
    return { phase: this.phase === 'table' ? 'check table' : 'cross-check', done: Math.min(this.area, total), total, unit: 'areas' };
  }

  result(): CheckReport {
    return this.log.report({
      format: 'persistent',
      device: this.cow.name,
      chunkBytes: this.chunkBytes,
      chunkCount: this.chunkCount,
      blocks: this.area + 1,
      exceptions: this.exceptions,
    });
  }

  /** One metadata area; a full area means the table goes on in the next one. */
  private readArea(geo: Geometry): void {
    const chunk = geo.areaLocation(this.area);
    if (chunk >= this.chunkCount) {
      const why = this.area === 0 ? 'area 0' : `area ${this.area - 1} is full, so area ${this.area}`;
      this.log.add('p-area-past-device', chunk, `${why} should be at chunk ${chunk}, past the end of the device (${this.chunkCount} chunks)`, { expected: `< ${this.chunkCount}`, found: chunk });
      this.phase = 'cross-check';
      return;
    }
    const v = view(this.buf);
    let end = -1;
    for (let i = 0; i < geo.exceptionsPerArea; i++) {
      const at = this.areaPiece(chunk, i);
      if (end >= 0) {
        if (!isZeroEntry(v, at)) this.log.add('p-entry-after-end', chunk, `entry ${i} is past the end of the table (entry ${end}); the kernel ignores it`, { entry: i, expected: 'zero', found: entryText(v, at) });
        continue;
      }
      const newChunk = readLe64(v, at + ENTRY_FIELDS.newChunk.offset);
      if (newChunk === 0) {
        end = i;
        if (!isZeroEntry(v, at)) this.log.add('p-entry-after-end', chunk, `entry ${i} has new_chunk 0, which ends the table, but a non-zero old_chunk`, { entry: i, expected: 'zero', found: entryText(v, at) });
        continue;
      }
      this.addException(geo, chunk, i, v, at, newChunk);
    }
    // Areas after the one that ends the table are not read: the kernel never reads them, and
    // zeroes one before using it; a merge cut by a power loss may leave entries there.
    if (end < 0) this.area++;
    else this.phase = 'cross-check';
  }

  private addException(geo: Geometry, chunk: number, i: number, v: DataView, at: number, newChunk: number): void {
    if (this.exceptions === this.olds.length) {
      const grown = new Float64Array(this.olds.length * 2);
      grown.set(this.olds);
      this.olds = grown;
    }
    const old = readLe64(v, at + ENTRY_FIELDS.oldChunk.offset);
    this.olds[this.exceptions++] = old;
    if (old < 0) this.log.add('p-origin-invalid', chunk, 'old_chunk is at or above 2^53: not a chunk number', { entry: i, found: le64Hex(v, at + ENTRY_FIELDS.oldChunk.offset) });
    const newProblem = this.checkNewChunk(geo, chunk, i, v, at, newChunk);
    this.visit?.(old, newChunk, old < 0 ? 'p-origin-invalid' : newProblem);
  }

  /** new_chunk: a data chunk of the device that no earlier entry uses; else the finding's kind. */
  private checkNewChunk(geo: Geometry, chunk: number, i: number, v: DataView, at: number, newChunk: number): FindingKind | null {
    if (newChunk < 0 || newChunk >= this.chunkCount) {
      this.log.add('p-chunk-out-of-range', chunk, `new_chunk is past the end of the device (${this.chunkCount} chunks)`, { ...entryWhere(v, at, i, newChunk), expected: `< ${this.chunkCount}` });
      return 'p-chunk-out-of-range';
    }
    if (geo.isMetadataChunk(newChunk)) {
      this.log.add('p-chunk-metadata', chunk, `new_chunk ${newChunk} is ${newChunk < NUM_SNAPSHOT_HDR_CHUNKS ? 'the header' : 'a metadata area'}`, { ...entryWhere(v, at, i, newChunk), expected: 'a data chunk' });
      return 'p-chunk-metadata';
    }
    if (this.used.testAndSet(newChunk)) {
      this.log.add('p-chunk-duplicate', chunk, `new_chunk ${newChunk} is already used by an earlier exception`, { ...entryWhere(v, at, i, newChunk), expected: 'a chunk no other exception uses' });
      return 'p-chunk-duplicate';
    }
    this.maxChunk = Math.max(this.maxChunk, newChunk);
    return null;
  }

  /** Entry i of the area in `chunk`: its offset in `buf`, which holds the area piece by piece (AREA_READ_BYTES). */
  private areaPiece(chunk: number, i: number): number {
    const at = (i * ENTRY_BYTES) % this.buf.length;
    if (at === 0) this.cow.read(chunk * this.geo!.chunkBytes + i * ENTRY_BYTES, this.buf);
    return at;
  }

  private crossCheck(geo: Geometry): void {
    this.findOriginDuplicates(geo);
    this.findLeaks(geo);
    this.phase = 'done';
  }

  /** A hash of entry indexes finds duplicate old_chunks in one linear pass, no per-exception objects. */
  private findOriginDuplicates(geo: Geometry): void {
    const olds = this.olds.subarray(0, this.exceptions);
    forEachRepeat(olds, (n) => {
      const old = olds[n]!;
      if (this.firstOriginDuplicate < 0) this.firstOriginDuplicate = n;
      const epa = geo.exceptionsPerArea;
      this.log.add('p-origin-duplicate', geo.areaLocation(Math.floor(n / epa)), `old_chunk ${old} already has an exception earlier in the table`, { entry: n % epa, expected: 'one exception per old_chunk', found: old });
    });
  }

  /** The kernel counts every chunk below next_free as allocated: unused ones are leaks. */
  private findLeaks(geo: Geometry): void {
    const nextFree = this.maxChunk + 1;
    let run = -1;
    let leaked = 0;
    for (let c = NUM_SNAPSHOT_HDR_CHUNKS + 1; c <= nextFree; c++) {
      if (c < nextFree && geo.isMetadataChunk(c)) continue; // areas neither leak nor end a run
      if (c < nextFree && !this.used.has(c)) {
        if (run < 0) run = c;
        leaked++;
      } else if (run >= 0) {
        this.log.add('p-usage-leak', run, `${leaked} data chunks from ${run} to ${c - 1} are below next_free (${nextFree}) but no exception uses them`, { expected: 'used', found: `${leaked} unused` });
        run = -1;
        leaked = 0;
      }
    }
  }
}

/** Where a finding about an entry's new_chunk is (built only for a finding: checks run once per exception). */
function entryWhere(v: DataView, at: number, i: number, newChunk: number): { entry: number; found: string | number } {
  return { entry: i, found: newChunk < 0 ? le64Hex(v, at + ENTRY_FIELDS.newChunk.offset) : newChunk };
}

function isZeroEntry(v: DataView, at: number): boolean {
  for (let b = 0; b < ENTRY_BYTES; b += 4) if (v.getUint32(at + b, true) !== 0) return false;
  return true;
}

function entryText(v: DataView, at: number): string {
  return `old_chunk ${le64Hex(v, at + ENTRY_FIELDS.oldChunk.offset)}, new_chunk ${le64Hex(v, at + ENTRY_FIELDS.newChunk.offset)}`;
}
