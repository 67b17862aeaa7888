/**
 * The one walker of a persistent (kernel) COW: the header (persistent-header.ts), then the
 * exception table area by area as the kernel reads it (docs/format-persistent.md, "Reading
 * rules"), then cross-checks over the whole table (persistent-cross-check.ts). Strict (the
 * engine's open, the live reader): the first error throws, naming chunk, entry and field. Tolerant
 * (check, repair, dump, stats, a damaged store's info): every problem is a finding and the walk
 * goes on. Memory: one bit per COW chunk, one old_chunk per exception (32-bit, 64-bit once one does
 * not fit; new_chunks too once the table leaves allocation order). This file reads the areas; the entries go to the fast loops (persistent-fast.ts),
 * or to the judge (persistent-judge.ts), into the table so far (persistent-table.ts).
 */
import type { BlockDevice } from '../io/block-device.ts';
import type { Task } from '../jobs/job.ts';
import type { Progress } from '../jobs/progress.ts';
import { AREA_READ_BYTES, ENTRY_BYTES, view, type DiskHeader, type Geometry } from '../persistent/format.ts';
import type { ChunkArray } from '../persistent/exception-table.ts';
import { LITTLE_ENDIAN_HOST } from '../shared/format/le.ts';
import { FindingLog, type CheckReport } from './findings.ts';
import { findLeaks, findOriginDuplicates } from './persistent-cross-check.ts';
import { entryText, isZeroEntry } from './persistent-entry.ts';
import { takeInOrder, takeOrdinary } from './persistent-fast.ts';
import { judgeHeader, readHeader } from './persistent-header.ts';
import { judgeEntry, type EntryVisitor } from './persistent-judge.ts';
import { TableSoFar } from './persistent-table.ts';
import type { WalkMode } from './shared.ts';

type Phase = 'table' | 'cross-check' | 'done';

export interface PersistentWalkOptions {
  /** Default 'tolerant'. */
  mode?: WalkMode;
  visit?: EntryVisitor;
  /** Keep new_chunk of every entry too (`table()`): the engine's open indexes it. */
  keepTable?: boolean;
}

/**
 * The table as walked: entry i is (oldChunk[i], newChunk[i]); a bad part of an entry reads -1.
 * newChunk is null when every entry's new_chunk is the chunk the kernel's allocator hands out
 * i-th (`Geometry.allocatedChunk(i)`), as in every table written by writes alone.
 */
export interface WalkedTable {
  oldChunk: ChunkArray;
  newChunk: Float64Array | null;
  count: number;
  /** The kernel's current_area (the first area not full) and entries in it (current_committed). */
  currentArea: number;
  committed: number;
  /** The kernel's next_free after loading. */
  nextFree: number;
}

/** Areas read ahead of the walk where the device takes prefetch hints. */
const PREFETCH_AREAS = 16;

export class PersistentWalk implements Task<CheckReport> {
  readonly log: FindingLog;
  readonly header: DiskHeader;
  private readonly geo: Geometry | null;
  readonly chunkCount: number;
  private readonly visit: EntryVisitor | null;
  private readonly keepTable: boolean;
  private readonly t: TableSoFar;
  /** Table indexes of every entry remapping an old_chunk an earlier entry remaps (after the walk). */
  originRepeats: readonly number[] = [];
  private area = 0;
  /** Entries in the last area read (the end of the table when it is not full). */
  private committed = 0;
  private phase: Phase = 'table';
  private readonly buf: Uint8Array;
  private readonly bufView: DataView;
  /** The piece's le32 words as numbers: a view of `buf` on little-endian hosts, a decoded copy elsewhere. */
  private readonly words32: Uint32Array;

  constructor(
    private readonly cow: BlockDevice,
    opts: PersistentWalkOptions = {},
  ) {
    this.log = new FindingLog(opts.mode === 'strict' ? cow.name : null);
    this.visit = opts.visit ?? null;
    this.header = readHeader(cow);
    this.geo = judgeHeader(this.header, cow, this.log);
    if (this.geo === null) this.phase = 'done';
    this.chunkCount = this.geo ? Math.floor(cow.size / this.geo.chunkBytes) : 0;
    this.keepTable = opts.keepTable === true;
    this.t = new TableSoFar(this.geo, this.chunkCount, this.keepTable);
    this.buf = new Uint8Array(Math.min(this.geo?.chunkBytes ?? 0, AREA_READ_BYTES));
    this.bufView = view(this.buf);
    this.words32 = LITTLE_ENDIAN_HOST ? new Uint32Array(this.buf.buffer, 0, this.buf.length >>> 2) : new Uint32Array(this.buf.length >>> 2);
  }

  get geometry(): Geometry | null {
    return this.geo;
  }

  /** Table index of the first entry remapping an old_chunk an earlier entry remaps, or -1 (after the walk). */
  get firstOriginDuplicate(): number {
    return this.originRepeats[0] ?? -1;
  }

  /** The kernel's next_free and current_area for this table (dmsetup status figures). */
  kernelCursor(): { nextFree: number; currentArea: number } {
    return { nextFree: this.geo ? this.geo.skipMetadata(this.t.maxChunk + 1) : 0, currentArea: this.area };
  }

  /** Entries whole (old_chunk and new_chunk both accepted): the exceptions a damaged table still proves, as the engine's open counts them. */
  get wholeEntries(): number {
    return this.t.accepted - this.t.acceptedBadOrigin;
  }

  get chunkBytes(): number {
    return this.geo?.chunkBytes ?? 0;
  }

  /** The table walked (with `keepTable`, after the walk): the arrays themselves, not copies. */
  table(): WalkedTable {
    if (!this.keepTable) throw new Error('PersistentWalk.table() needs keepTable');
    const { nextFree, currentArea } = this.kernelCursor();
    return { oldChunk: this.t.olds, newChunk: this.t.news, count: this.t.exceptions, currentArea, committed: this.committed, nextFree };
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

  /** How far into the device the table has been read, in chunks (the open's progress). */
  readThrough(): number {
    if (!this.geo) return 0;
    return Math.min(this.geo.areaLocation(this.area) + (this.phase === 'table' ? 0 : this.geo.stride), this.chunkCount);
  }

  result(): CheckReport {
    return this.log.report({
      format: 'persistent',
      device: this.cow.name,
      chunkBytes: this.chunkBytes,
      chunkCount: this.chunkCount,
      blocks: this.area + 1,
      exceptions: this.t.exceptions,
    });
  }

  /**
   * One metadata area; a full area means the table goes on in the next one. The fast loops take
   * the entries that pass their inline tests; any other entry, and every entry when there is a
   * visitor, goes through `judgeEntry`, which names the problem.
   */
  private readArea(geo: Geometry): void {
    const chunk = geo.areaLocation(this.area);
    if (chunk >= this.chunkCount) {
      const why = this.area === 0 ? 'area 0' : `area ${this.area - 1} is full, so area ${this.area}`;
      this.log.add('p-area-past-device', chunk, `${why} should be at chunk ${chunk}, past the end of the device (${this.chunkCount} chunks; truncated?)`, { expected: `< ${this.chunkCount}`, found: chunk });
      this.phase = 'cross-check';
      return;
    }
    const t = this.t;
    const epa = geo.exceptionsPerArea;
    const pieceEntries = this.buf.length / ENTRY_BYTES;
    const w32 = this.words32;
    t.reserve(epa);
    let end = -1;
    this.prefetchAhead(geo);
    // Both are powers of two: an area is a whole number of pieces.
    for (let first = 0; first < epa && end < 0; first += pieceEntries) {
      this.cow.read(chunk * geo.chunkBytes + first * ENTRY_BYTES, this.buf);
      if (!LITTLE_ENDIAN_HOST) for (let k = 0; k < w32.length; k++) w32[k] = this.bufView.getUint32(k * 4, true);
      for (let j = 0; j < pieceEntries; ) {
        if (this.visit === null) j = t.inOrder ? takeInOrder(t, w32, j, pieceEntries) : takeOrdinary(t, w32, j, pieceEntries);
        if (j === pieceEntries) break;
        // The entry's le32 words: old_chunk low, high, new_chunk low, high.
        const newLo = w32[j * 4 + 2]!;
        const newHi = w32[j * 4 + 3]!;
        if (newLo === 0 && newHi === 0) {
          end = first + j;
          break;
        }
        judgeEntry(t, this.log, geo, chunk, first + j, this.bufView, j * ENTRY_BYTES, newHi * 0x1_0000_0000 + newLo, this.visit);
        j++;
      }
    }
    // Areas after the one that ends the table are not read: the kernel never reads them, and
    // zeroes one before using it; a merge cut by a power loss may leave entries there.
    if (end >= 0) {
      this.committed = end;
      this.checkAfterEnd(geo, chunk, end);
      this.phase = 'cross-check';
    } else {
      this.area++;
      this.committed = 0;
    }
  }

  /**
   * Hints the area PREFETCH_AREAS ahead of this one (all of them up to there at area 0), so that
   * a device that can read in the background has several reads in flight while the walk reads one
   * area at a time (areas lie a stride apart: no read-ahead of the file covers the next one).
   */
  private prefetchAhead(geo: Geometry): void {
    if (!this.cow.prefetch) return;
    for (let a = this.area === 0 ? 1 : this.area + PREFETCH_AREAS; a <= this.area + PREFETCH_AREAS; a++) {
      const chunk = geo.areaLocation(a);
      if (chunk >= this.chunkCount) return;
      this.cow.prefetch(chunk * geo.chunkBytes, this.buf.length);
    }
  }

  /** Entries after the end in the area that ends the table: the kernel ignores them, and its next commit rewrites them back. */
  private checkAfterEnd(geo: Geometry, chunk: number, end: number): void {
    const v = this.bufView;
    for (let i = end; i < geo.exceptionsPerArea; i++) {
      const at = this.areaPiece(chunk, i);
      if (isZeroEntry(v, at)) continue;
      const what = i === end ? `entry ${i} has new_chunk 0, which ends the table, but a non-zero old_chunk` : `entry ${i} is past the end of the table (entry ${end}); the kernel ignores it`;
      this.log.add('p-entry-after-end', chunk, what, { entry: i, field: i === end ? 'old_chunk' : 'new_chunk', expected: 'zero', found: entryText(v, at) });
    }
  }

  /** Entry i of the area in `chunk`: its offset in `buf`, which holds the area piece by piece (AREA_READ_BYTES). */
  private areaPiece(chunk: number, i: number): number {
    const at = (i * ENTRY_BYTES) % this.buf.length;
    if (at === 0) this.cow.read(chunk * this.geo!.chunkBytes + i * ENTRY_BYTES, this.buf);
    return at;
  }

  private crossCheck(geo: Geometry): void {
    this.originRepeats = findOriginDuplicates(this.t, this.log, geo);
    findLeaks(this.t, this.log, geo);
    this.phase = 'done';
  }
}
