/**
 * The one walker of a persistent (kernel) COW: the header, then the exception table area by area
 * as the kernel reads it (docs/format-persistent.md, "Reading rules"), then cross-checks over the
 * whole table. Strict (the engine's open, the live reader): the first error throws, naming chunk,
 * entry and field. Tolerant (check, repair, dump, stats, a damaged store's info): every problem is
 * a finding and the walk goes on. Memory: one bit per COW chunk, one float per exception (two
 * when the table is kept for the engine).
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
  SNAP_MAGIC,
  SNAPSHOT_DISK_VERSION,
  Geometry,
  chunkSizeProblem,
  decodeHeader,
  le64Hex,
  readLe64,
  view,
  type DiskHeader,
} from '../persistent/format.ts';
import { fitsUint32, forEachRepeat, widened, type ChunkArray } from '../persistent/exception-table.ts';
import { LITTLE_ENDIAN_HOST } from '../shared/format/le.ts';
import { Bitset } from './bitset.ts';
import { FindingLog, type CheckReport } from './findings.ts';
import type { FindingKind } from './kinds.ts';
import { entryText, entryWhere, isZeroEntry, newChunkText } from './persistent-entry.ts';
import type { WalkMode } from './shared.ts';

type Phase = 'table' | 'cross-check' | 'done';

/**
 * Receives every table entry in table order (before the end), valid or not (repair needs the
 * positions), with the first problem found in the entry itself or null. A duplicate old_chunk
 * shows only over the whole table: `firstOriginDuplicate` after the walk.
 */
export type EntryVisitor = (oldChunk: number, newChunk: number, problem: FindingKind | null) => void;

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

/**
 * Entries the arrays start with: the data chunks of the device (no table holds more), capped. A
 * large array costs only the pages written (the allocator maps it lazily), where growing by
 * doubling copies the table again (10M entries from 4M: two copies).
 */
const INITIAL_CAPACITY_CAP = 1 << 24;

export class PersistentWalk implements Task<CheckReport> {
  readonly log: FindingLog;
  readonly header: DiskHeader;
  private readonly geo: Geometry | null;
  readonly chunkCount: number;
  private readonly used: Bitset;
  private readonly visit: EntryVisitor | null;
  /** old_chunk per entry: 32-bit until a value does not fit (ChunkArray). */
  private olds: ChunkArray;
  /** new_chunk per entry: null while `inOrder`, or without keepTable. */
  private news: Float64Array | null = null;
  private readonly keepTable: boolean;
  /**
   * Every entry so far has the new_chunk the kernel's allocator hands out at its position
   * (`Geometry.allocatedChunk`), as in every table written by writes alone: such an entry needs
   * no test against `used` (no two positions, and no area location, share a chunk), and its
   * new_chunk is not stored.
   */
  private inOrder = true;
  /** Entries [0, usedMarked) have their new_chunk marked in `used`; those taken in order are marked when `used` is next read. */
  private usedMarked = 0;
  /** Entries whose new_chunk was accepted (each one bit of `used` besides the metadata marks). */
  private accepted = 0;
  /** Table index of the first entry remapping an old_chunk an earlier entry remaps, or -1. */
  firstOriginDuplicate = -1;
  /** Table indexes of every entry remapping an old_chunk an earlier entry remaps. */
  readonly originRepeats: number[] = [];
  private exceptions = 0;
  /** Highest valid new_chunk: the kernel's next_free is one past it. */
  private maxChunk = NUM_SNAPSHOT_HDR_CHUNKS;
  /**
   * One bit per old_chunk value seen, below `seenBits`: entries whose old_chunk an earlier entry
   * holds are found during the table pass. It starts at the device's chunk count and doubles for a
   * larger value, up to `seenMaxBits` (a new typed array is zeroed whole, so its size costs time
   * even where no bit is set); a value past that sends the whole table through `forEachRepeat` at
   * the end instead.
   */
  private seen: Uint32Array;
  private seenBits: number;
  private readonly seenMaxBits: number;
  private seenOverflow = false;
  private readonly repeats: number[] = [];
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
    const h = this.header;
    if (h.valid === 0) this.log.add('p-header-invalid', 0, 'the snapshot was invalidated by the kernel (it overflowed or failed); it cannot be activated', { field: 'valid', expected: 1, found: 0 });
    if (h.version !== SNAPSHOT_DISK_VERSION) this.log.add('p-header-version', 0, `header version ${h.version} at offset 8: the kernel reads only version ${SNAPSHOT_DISK_VERSION}`, { field: 'version', expected: SNAPSHOT_DISK_VERSION, found: h.version });
    // A chunk size the kernel rejects, or one that leaves no room for the header and area 0.
    const chunkBytes = h.chunkSectors * SECTOR_BYTES;
    const problem =
      chunkSizeProblem(h.chunkSectors) ?? (2 * chunkBytes > cow.size ? `(${chunkBytes} bytes) leaves no room for metadata area 0 in a ${cow.size}-byte device (truncated, or a bad chunk size?)` : null);
    let capacity = 0;
    if (problem) {
      this.log.add('p-header-chunk-size', 0, `chunk_size ${h.chunkSectors} sectors at offset 12 ${problem}; the table cannot be located`, { field: 'chunk_size', found: h.chunkSectors });
      this.geo = null;
      this.chunkCount = 0;
      this.phase = 'done';
    } else {
      this.geo = new Geometry(h.chunkSectors);
      this.chunkCount = Math.floor(cow.size / this.geo.chunkBytes);
      capacity = Math.max(16, Math.min(this.chunkCount, INITIAL_CAPACITY_CAP));
    }
    // Header and area locations start out used: one bit test per entry finds a new_chunk on
    // metadata or used twice (judgeEntry then says which).
    this.used = new Bitset(this.chunkCount);
    this.seenMaxBits = Math.min(this.chunkCount * 64, 0x8000_0000);
    this.seen = new Uint32Array(Math.ceil(Math.min(this.seenMaxBits, Math.max(1 << 16, this.chunkCount)) / 32));
    this.seenBits = this.seen.length * 32;
    if (this.geo) {
      this.used.set(0);
      for (let c = this.geo.areaLocation(0); c < this.chunkCount; c += this.geo.stride) this.used.set(c);
    }
    this.olds = new Uint32Array(capacity);
    // new_chunk is stored only once an entry leaves allocation order: 8 bytes of fresh memory less per entry.
    this.keepTable = opts.keepTable === true;
    this.buf = new Uint8Array(Math.min(this.geo?.chunkBytes ?? 0, AREA_READ_BYTES));
    this.bufView = view(this.buf);
    this.words32 = LITTLE_ENDIAN_HOST ? new Uint32Array(this.buf.buffer, 0, this.buf.length >>> 2) : new Uint32Array(this.buf.length >>> 2);
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

  /** The table walked (with `keepTable`, after the walk): the arrays themselves, not copies. */
  table(): WalkedTable {
    if (!this.keepTable) throw new Error('PersistentWalk.table() needs keepTable');
    const { nextFree, currentArea } = this.kernelCursor();
    return { oldChunk: this.olds, newChunk: this.news, count: this.exceptions, currentArea, committed: this.committed, nextFree };
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
      exceptions: this.exceptions,
    });
  }

  /**
   * One metadata area; a full area means the table goes on in the next one. An entry that passes
   * the inline tests below (which run once per exception, so imports are hoisted into locals) is
   * stored directly; any other entry, and every entry when there is a visitor, goes through
   * `judgeEntry`, which names the problem.
   */
  private readArea(geo: Geometry): void {
    const chunk = geo.areaLocation(this.area);
    if (chunk >= this.chunkCount) {
      const why = this.area === 0 ? 'area 0' : `area ${this.area - 1} is full, so area ${this.area}`;
      this.log.add('p-area-past-device', chunk, `${why} should be at chunk ${chunk}, past the end of the device (${this.chunkCount} chunks; truncated?)`, { expected: `< ${this.chunkCount}`, found: chunk });
      this.phase = 'cross-check';
      return;
    }
    const epa = geo.exceptionsPerArea;
    const pieceEntries = this.buf.length / ENTRY_BYTES;
    const w32 = this.words32;
    this.reserve(epa);
    let end = -1;
    this.prefetchAhead(geo);
    // Both are powers of two: an area is a whole number of pieces.
    for (let first = 0; first < epa && end < 0; first += pieceEntries) {
      this.cow.read(chunk * geo.chunkBytes + first * ENTRY_BYTES, this.buf);
      if (!LITTLE_ENDIAN_HOST) for (let k = 0; k < w32.length; k++) w32[k] = this.bufView.getUint32(k * 4, true);
      for (let j = 0; j < pieceEntries; ) {
        if (this.visit === null) j = this.inOrder ? this.takeInOrder(w32, j, pieceEntries) : this.takeOrdinary(w32, j, pieceEntries);
        if (j === pieceEntries) break;
        // The entry's le32 words: old_chunk low, high, new_chunk low, high.
        const newLo = w32[j * 4 + 2]!;
        const newHi = w32[j * 4 + 3]!;
        if (newLo === 0 && newHi === 0) {
          end = first + j;
          break;
        }
        this.judgeEntry(geo, chunk, first + j, this.bufView, j * ENTRY_BYTES, newHi * 0x1_0000_0000 + newLo);
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

  /**
   * The table loop's fast path while the table is in allocation order, over entries [j, count) of
   * the piece in `w32`: takes each entry while its new_chunk is the one at its position (on the
   * device) and its old_chunk is below 2^32, inside the bitmap of values seen and not in it yet,
   * storing old_chunk and marking that bitmap; returns the index of the first entry it did not
   * take (the piece's end, the entry that ends the table, or one for takeOrdinary or judgeEntry).
   * Integer-only work, and no call in the loop (with `repeats.push` in it, V8's code for the loop
   * took twice as long): it runs once per exception.
   */
  private takeInOrder(w32: Uint32Array, j: number, count: number): number {
    const olds = this.olds;
    const seen = this.seen;
    const seenBits = this.seenBits;
    const first = this.exceptions - j;
    // allocatedChunk(first + j) is firstNew + j within one area; past the device it is judgeEntry's to name.
    const firstNew = this.geo!.allocatedChunk(first);
    const end = Math.min(count, this.chunkCount - firstNew);
    const from = j;
    for (; j < end; j++) {
      const k = j << 2;
      const oldLo = w32[k]!;
      if ((w32[k + 1]! | w32[k + 3]!) !== 0 || w32[k + 2]! !== firstNew + j || oldLo >= seenBits) break;
      const sw = oldLo >>> 5;
      const sb = 1 << (oldLo & 31);
      const x = seen[sw]!;
      if ((x & sb) !== 0) break;
      seen[sw] = x | sb;
      olds[first + j] = oldLo;
    }
    if (j > from) {
      this.exceptions = first + j;
      this.accepted += j - from;
      this.maxChunk = Math.max(this.maxChunk, firstNew + j - 1);
    }
    return j;
  }

  /**
   * The table loop's fast path once the table has left allocation order, over entries [j, count)
   * of the piece in `w32`: takes each entry while it is an ordinary exception (both chunks below
   * 2^32, new_chunk a data chunk of the device that no earlier entry uses, old_chunk inside the
   * bitmap of values seen and not in it yet), storing it and marking both bitmaps; returns the
   * index of the first entry it did not take (the piece's end, the entry that ends the table, or
   * one for judgeEntry to name or record as a repeat). Integer-only work with no call, as above.
   */
  private takeOrdinary(w32: Uint32Array, j: number, count: number): number {
    this.markUsed();
    const olds = this.olds;
    const news = this.news;
    const used = this.used.words;
    const seen = this.seen;
    const seenBits = this.seenBits;
    const chunkCount = this.chunkCount;
    const from = j;
    let n = this.exceptions;
    let maxChunk = this.maxChunk;
    for (; j < count; j++) {
      const k = j << 2;
      const oldLo = w32[k]!;
      const newLo = w32[k + 2]!;
      if ((w32[k + 1]! | w32[k + 3]!) !== 0 || newLo === 0 || newLo >= chunkCount || oldLo >= seenBits) break;
      const word = newLo >>> 5;
      const bit = 1 << (newLo & 31);
      const u = used[word]!;
      const sw = oldLo >>> 5;
      const sb = 1 << (oldLo & 31);
      const x = seen[sw]!;
      if ((u & bit) !== 0 || (x & sb) !== 0) break;
      used[word] = u | bit;
      seen[sw] = x | sb;
      olds[n] = oldLo;
      if (news !== null) news[n] = newLo;
      n++;
      if (newLo > maxChunk) maxChunk = newLo;
    }
    this.exceptions = n;
    this.usedMarked = n;
    this.accepted += j - from;
    this.maxChunk = maxChunk;
    return j;
  }

  /**
   * Marks in `used` the new_chunks of the entries taken in order and not yet marked: chunks
   * allocatedChunk(usedMarked) to allocatedChunk(exceptions - 1), every chunk between them (the
   * area locations among them are marked already).
   */
  private markUsed(): void {
    if (this.usedMarked === this.exceptions) return;
    const geo = this.geo!;
    this.used.setRange(geo.allocatedChunk(this.usedMarked), geo.allocatedChunk(this.exceptions - 1) + 1);
    this.usedMarked = this.exceptions;
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

  /** Room for `n` more entries. */
  private reserve(n: number): void {
    if (this.exceptions + n <= this.olds.length) return;
    const size = Math.max(Math.min(this.olds.length * 2, this.chunkCount), this.exceptions + n);
    const olds = this.olds instanceof Float64Array ? new Float64Array(size) : new Uint32Array(size);
    olds.set(this.olds.subarray(0, this.exceptions));
    this.olds = olds;
    if (this.news) {
      const news = new Float64Array(size);
      news.set(this.news.subarray(0, this.exceptions));
      this.news = news;
    }
  }

  /** One entry with every rule named: records it, and its problem as a finding (strict: throws). */
  private judgeEntry(geo: Geometry, chunk: number, i: number, v: DataView, at: number, newChunk: number): void {
    this.markUsed();
    const old = readLe64(v, at + ENTRY_FIELDS.oldChunk.offset);
    if (old < 0) this.log.add('p-origin-invalid', chunk, `old_chunk ${le64Hex(v, at + ENTRY_FIELDS.oldChunk.offset)} is at or above 2^53: not a chunk number`, { entry: i, field: 'old_chunk', found: le64Hex(v, at + ENTRY_FIELDS.oldChunk.offset) });
    const newProblem = this.checkNewChunk(geo, chunk, i, v, at, newChunk);
    const n = this.exceptions++;
    this.usedMarked = this.exceptions;
    if (newProblem === null) this.accepted++;
    if (!fitsUint32(old)) this.olds = widened(this.olds);
    this.olds[n] = old;
    if (old >= this.seenBits) this.growSeen(old);
    if (old >= this.seenBits) this.seenOverflow = true;
    else if (old >= 0) {
      if ((this.seen[old >>> 5]! & (1 << (old & 31))) !== 0) this.repeats.push(n);
      else this.seen[old >>> 5]! |= 1 << (old & 31);
    }
    this.storeNew(n, newProblem === null ? newChunk : -1);
    this.visit?.(old, newChunk, old < 0 ? 'p-origin-invalid' : newProblem);
  }

  /** Records new_chunk of entry `n`: the first entry out of allocation order ends `inOrder` and, with keepTable, builds the array of them. */
  private storeNew(n: number, newChunk: number): void {
    if (this.inOrder) {
      if (newChunk === this.geo!.allocatedChunk(n)) return;
      this.inOrder = false;
      if (!this.keepTable) return;
      const news = new Float64Array(this.olds.length);
      for (let i = 0; i < n; i++) news[i] = this.geo!.allocatedChunk(i);
      this.news = news;
    }
    if (this.news) this.news[n] = newChunk;
  }

  /** Widens the old_chunk bitmap to hold `old` (doubling), unless that passes `seenMaxBits`. */
  private growSeen(old: number): void {
    if (old >= this.seenMaxBits) return;
    let bits = this.seenBits * 2;
    while (bits <= old) bits *= 2;
    bits = Math.min(bits, this.seenMaxBits);
    const seen = new Uint32Array(Math.ceil(bits / 32));
    seen.set(this.seen);
    this.seen = seen;
    this.seenBits = seen.length * 32;
  }

  /** new_chunk: a data chunk of the device that no earlier entry uses; else the finding's kind. */
  private checkNewChunk(geo: Geometry, chunk: number, i: number, v: DataView, at: number, newChunk: number): FindingKind | null {
    if (newChunk >= this.chunkCount) {
      this.log.add('p-chunk-out-of-range', chunk, `new_chunk ${newChunkText(v, at, newChunk)} is past the end of the device (${this.chunkCount} chunks; truncated?)`, { ...entryWhere(v, at, i, newChunk), expected: `< ${this.chunkCount}` });
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

  /** Entries remapping an old_chunk an earlier entry remaps: found during the table pass, or here by one linear pass when values were too large for its bitmap. */
  private findOriginDuplicates(geo: Geometry): void {
    const olds = this.olds.subarray(0, this.exceptions);
    const each = (visit: (n: number) => void): void => {
      if (this.seenOverflow) forEachRepeat(olds, visit);
      else for (const n of this.repeats) visit(n);
    };
    each((n) => {
      const old = olds[n]!;
      if (this.firstOriginDuplicate < 0) this.firstOriginDuplicate = n;
      this.originRepeats.push(n);
      const epa = geo.exceptionsPerArea;
      // The earlier entry is named for the first duplicate (a search per duplicate would be quadratic).
      const first = this.firstOriginDuplicate === n ? olds.indexOf(old) : -1;
      const earlier = first < 0 ? 'earlier in the table' : `in entry ${first % epa} of area ${Math.floor(first / epa)}`;
      this.log.add('p-origin-duplicate', geo.areaLocation(Math.floor(n / epa)), `old_chunk ${old} already has an exception ${earlier}`, { entry: n % epa, field: 'old_chunk', expected: 'one exception per old_chunk', found: old });
    });
  }

  /**
   * The kernel counts every chunk below next_free as allocated: unused ones are leaks. Every used
   * chunk is a data chunk below next_free, so equal counts mean no leak (no scan chunk by chunk).
   */
  private findLeaks(geo: Geometry): void {
    const nextFree = this.maxChunk + 1;
    const first = NUM_SNAPSHOT_HDR_CHUNKS + 1;
    const areasBelow = nextFree > first ? Math.floor((nextFree - first) / geo.stride) : 0;
    if (this.accepted === Math.max(0, nextFree - first - areasBelow)) return;
    // A table in order cannot leak, and one out of order has every entry marked; this keeps the scan right regardless.
    this.markUsed();
    let run = -1;
    let leaked = 0;
    for (let c = first; c <= nextFree; c++) {
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

/** The header; only "not a store at all" throws (too short, no magic): the rest are findings. */
function readHeader(cow: BlockDevice): DiskHeader {
  if (cow.size < SECTOR_BYTES) throw new SnapscopeError('not-a-store', `${cow.name} (${cow.size} bytes) is too short for a persistent COW header`, { device: cow.name });
  const head = new Uint8Array(HEADER_BYTES);
  cow.read(0, head);
  const h = decodeHeader(head);
  const where = { device: cow.name, chunk: 0, offset: 0, field: 'magic' };
  if (h.magic === 0) throw new SnapscopeError('not-a-store', `${cow.name} has an all-zero header: not a store yet (the kernel would format it as a new, empty snapshot)`, where);
  if (h.magic !== SNAP_MAGIC) {
    throw new SnapscopeError('not-a-store', `${cow.name}: bad magic 0x${h.magic.toString(16).padStart(8, '0')} at offset 0 (a persistent COW has 0x70416e53, "SnAp")`, where);
  }
  return h;
}
