/**
 * The kernel's persistent exception store (dm-snap-persistent.c) on a COW device: one snapshot,
 * slot 0, addressed as 'snap'. Reads index the whole table once; writes follow the kernel's order
 * (data, flush, metadata area, flush; a full area zeroes the next one first); usage is what
 * `dmsetup status` prints. Spec: docs/format-persistent.md.
 */
import { SnapscopeError } from '../errors.ts';
import type { EventSink } from '../events.ts';
import { SECTOR_BYTES, type BlockDevice } from '../io/block-device.ts';
import type { Task } from '../jobs/job.ts';
import { ListenerGuard } from '../listener-guard.ts';
import type { MergeResult } from '../merge-result.ts';
import type { Occupancy } from '../occupancy.ts';
import { checkOriginWrite } from '../origin-chunks.ts';
import type { ExceptionStore, KernelStatus, MergeState, OpenOptions, SnapshotInfo, StoreInfo } from '../store.ts';
import type { CheckReport } from '../walk/findings.ts';
import { PersistentWalk } from '../walk/persistent.ts';
import { AreaWriter } from './area-writer.ts';
import { ExceptionTable } from './exception-table.ts';
import { Geometry, SNAP_MAGIC, SNAPSHOT_DISK_VERSION, chunkSizeProblem, encodeHeader, persistentSizeProblem, type DiskHeader } from './format.ts';
import { createPersistentMerge, planPersistentMerge, type MergeOptions } from './merge.ts';
import { chunkOccupancy } from './occupancy.ts';

export const SNAPSHOT_NAME = 'snap';

export interface FormatOptions {
  /** Chunk size in bytes: a power of two, at least 512. */
  chunkBytes: number;
}

/** A copy of the exception table: entry i lives in area[i] at index[i]. */
export interface PersistentTable {
  oldChunk: Float64Array;
  newChunk: Float64Array;
  area: Uint32Array;
  index: Uint32Array;
}

/** One metadata area and the data chunks that follow it. */
export interface PersistentArea {
  index: number;
  /** The area's metadata chunk. */
  chunk: number;
  entries: number;
  capacity: number;
  full: boolean;
  /** Data chunks that follow it: [firstData, endData). */
  firstData: number;
  endData: number;
}

/** The in-memory pstore state the merge advances (see merge.ts); not for other callers. */
export interface PstoreState {
  table: ExceptionTable;
  currentArea: number;
  committed: number;
  nextFree: number;
  /** next_free follows persistent_commit_merge(), not the allocator: recompute before allocating. */
  nextFreeFromMerge: boolean;
  /** Set by a merge running in this session. */
  merge: MergeState | null;
}

export class PersistentStore implements ExceptionStore {
  readonly format = 'persistent' as const;
  readonly chunkBytes: number;
  readonly chunkCount: number;
  readonly readOnly: boolean;
  readonly valid: boolean;
  /** Opened tolerating damage and the walk found errors: read-only, and lookups it cannot prove fail. */
  readonly damaged: boolean;
  readonly geometry: Geometry;
  /** The pstore state; merge.ts advances it. */
  readonly state: PstoreState;
  private readonly events: EventSink | undefined;
  /** pe-add comes between an entry's push and its area write: a listener may read, never write (listener-guard.ts). */
  private readonly listener: ListenerGuard;
  private readonly areaWriter: AreaWriter;
  private lastOrigin: BlockDevice | null = null;

  private constructor(
    readonly cow: BlockDevice,
    readonly header: DiskHeader,
    state: PstoreState,
    readOnly: boolean,
    events: EventSink | undefined,
    private readonly damage: TableDamage | null = null,
  ) {
    this.geometry = new Geometry(header.chunkSectors);
    this.chunkBytes = this.geometry.chunkBytes;
    this.chunkCount = Math.floor(cow.size / this.chunkBytes);
    this.valid = header.valid !== 0;
    this.damaged = damage !== null;
    this.readOnly = readOnly || !this.valid || cow.readOnly || this.damaged;
    this.state = state;
    this.listener = new ListenerGuard(cow.name);
    this.events = events && this.listener.sink(events);
    this.areaWriter = new AreaWriter(cow, this.geometry, state.table, this.listener);
  }

  /**
   * Reads the header and the table through the one walker (walk/persistent.ts), strict: the first
   * error check would report is the open's error, naming chunk, entry and field. With
   * `tolerateDamage` the walk is tolerant: a damaged table opens read-only, entries with a problem
   * stay in their places (a bad field reads -1), and lookups of the origin chunks they name fail.
   * Never writes.
   */
  static open(cow: BlockDevice, opts: OpenOptions = {}): PersistentStore {
    if (opts.write && cow.readOnly) throw new SnapscopeError('read-only', `${cow.name} is open read-only`, { device: cow.name });
    const walk = new PersistentWalk(cow, { mode: opts.tolerateDamage ? 'tolerant' : 'strict', keepTable: true });
    let reported = 0;
    while (!walk.step()) {
      const through = walk.readThrough();
      if (opts.onProgress && through !== reported) opts.onProgress((reported = through), walk.chunkCount);
    }
    const report = walk.result();
    if (!walk.geometry) {
      // Not even the table can be located: nothing to show.
      const f = report.findings.find((x) => x.severity === 'error')!;
      throw new SnapscopeError('corrupt', `${cow.name}: ${f.message} (chunk ${f.chunk}) [${f.kind}]`, { device: cow.name, chunk: f.chunk });
    }
    const t = walk.table();
    const state: PstoreState = {
      table: ExceptionTable.adopt(t.oldChunk, t.newChunk, t.count, walk.geometry),
      currentArea: t.currentArea,
      committed: t.committed,
      nextFree: t.nextFree,
      nextFreeFromMerge: false,
      merge: null,
    };
    const damage = report.errors > 0 ? tableDamage(walk, report) : null;
    return new PersistentStore(cow, walk.header, state, opts.write !== true, opts.events, damage);
  }

  /** Formats `cow` as a new, empty store, as the kernel does on first activation, and opens it for writing. */
  static format(cow: BlockDevice, opts: FormatOptions, openOpts: Omit<OpenOptions, 'write'> = {}): PersistentStore {
    const sectors = opts.chunkBytes / SECTOR_BYTES;
    const problem = Number.isInteger(sectors) ? chunkSizeProblem(sectors) : 'is not a whole number of sectors';
    if (problem) throw new SnapscopeError('usage', `chunk size ${opts.chunkBytes} bytes ${problem}`, { device: cow.name, field: 'chunk_size' });
    const geo = new Geometry(sectors);
    const small = persistentSizeProblem(cow.size, geo.chunkBytes);
    if (small) throw new SnapscopeError('usage', `${cow.name} ${small}`, { device: cow.name });
    // Area 0 first, then the header: a crash in between leaves no header, not a store with a garbage table.
    cow.write(geo.areaLocation(0) * geo.chunkBytes, new Uint8Array(geo.chunkBytes));
    cow.flush();
    // Like write_header(): the whole header chunk, zero past the 16 header bytes.
    const chunk0 = new Uint8Array(geo.chunkBytes);
    encodeHeader({ magic: SNAP_MAGIC, valid: 1, version: SNAPSHOT_DISK_VERSION, chunkSectors: sectors }, chunk0);
    cow.write(0, chunk0);
    cow.flush();
    return PersistentStore.open(cow, { ...openOpts, write: true });
  }

  // ---- reading -----------------------------------------------------------------------------

  get exceptions(): number {
    return this.state.table.count;
  }

  resolveSnapshot(ref: string): number {
    if (ref === SNAPSHOT_NAME || ref === '0') return 0;
    throw new SnapscopeError('not-found', `no snapshot '${ref}': a persistent COW holds exactly one snapshot, addressed as 'snap' (or 0)`, {
      device: this.cow.name,
    });
  }

  lookup(slot: number, origin: number): number {
    this.checkSlot(slot);
    if (!this.valid) {
      throw new SnapscopeError('io', `the snapshot in ${this.cow.name} is invalid (valid = 0 in the header): the kernel fails its reads with EIO`, {
        device: this.cow.name,
        field: 'valid',
      });
    }
    if (this.damage && (this.damage.anyOrigin !== null || this.damage.origins.has(origin))) {
      const area = this.damage.anyOrigin ?? this.damage.origins.get(origin)!;
      throw new SnapscopeError('corrupt', `the mapping of origin chunk ${origin} cannot be proven: a table entry naming ${this.damage.anyOrigin === null ? 'it' : 'no valid origin chunk'} is damaged (run snapscope check)`, {
        device: this.cow.name,
        chunk: area,
        path: [area],
      });
    }
    const entry = this.state.table.find(origin);
    return entry < 0 ? -1 : this.state.table.newChunkOf(entry);
  }

  /** Every exception (a damaged table: those whose entry is whole), by origin chunk. */
  forEachException(visit: (origin: number, chunk: number, slots: bigint) => void): void {
    const { oldChunk, newChunk } = this.state.table;
    for (const entry of this.entriesByOrigin()) if (oldChunk[entry]! >= 0 && newChunk[entry]! >= 0) visit(oldChunk[entry]!, newChunk[entry]!, 1n);
  }

  /** What the snapshot and the store's total count: a damaged table's rejected entries are no exceptions it can read. */
  private get wholeExceptions(): number {
    return this.exceptions - (this.damage?.badEntries ?? 0);
  }

  snapshots(): SnapshotInfo[] {
    const n = this.wholeExceptions;
    return [{ slot: 0, name: SNAPSHOT_NAME, uuid: '', created: null, exceptions: n, unique: n, shared: 0, bytes: n * this.chunkBytes, ...(this.damage ? { damaged: true } : {}) }];
  }

  /** The three numbers of `dmsetup status` (allocated/total metadata), in sectors. */
  kernelStatus(): KernelStatus {
    const cs = this.geometry.chunkSectors;
    return {
      allocatedSectors: this.state.nextFree * cs,
      totalSectors: Math.floor(this.cow.size / SECTOR_BYTES),
      metadataSectors: (this.state.currentArea + 2) * cs,
    };
  }

  /** The usage part of `dmsetup status` as the kernel prints it: "376/2048 16", or "Invalid". */
  statusText(): string {
    if (!this.valid) return 'Invalid';
    const s = this.kernelStatus();
    return `${s.allocatedSectors}/${s.totalSectors} ${s.metadataSectors}`;
  }

  info(): StoreInfo {
    const { nextFree, currentArea } = this.state;
    const notes: string[] = [];
    if (!this.valid) notes.push('invalidated by the kernel (valid = 0, e.g. the COW overflowed): read-only, snapshot reads fail');
    const d = this.damage;
    const exceptions = this.wholeExceptions;
    if (d) notes.push(`table damaged: ${d.errors} error${d.errors === 1 ? '' : 's'} and ${d.warnings} warning${d.warnings === 1 ? '' : 's'} found, run snapscope check (opened read-only)`);
    return {
      format: 'persistent',
      device: this.cow.name,
      deviceBytes: this.cow.size,
      chunkBytes: this.chunkBytes,
      chunkSectors: this.geometry.chunkSectors,
      chunkCount: this.chunkCount,
      valid: this.valid,
      readOnly: this.readOnly,
      version: this.header.version,
      exceptions,
      usage: {
        totalChunks: this.chunkCount,
        allocatedChunks: nextFree,
        metadataChunks: currentArea + 2,
        dataChunks: exceptions,
        freeChunks: Math.max(0, this.chunkCount - nextFree),
      },
      kernelStatus: this.kernelStatus(),
      snapshots: this.snapshots(),
      header: {
        magic: `0x${this.header.magic.toString(16)}`,
        valid: this.header.valid,
        version: this.header.version,
        chunk_size: this.header.chunkSectors,
        exceptions_per_area: this.geometry.exceptionsPerArea,
      },
      tree: null,
      merge: this.state.merge && { ...this.state.merge },
      notes,
      ...(d ? { damage: { errors: d.errors, warnings: d.warnings, first: d.first, rejected: d.badEntries } } : {}),
    };
  }

  /** Metadata areas 0..current_area, as the kernel walks them. */
  areas(): PersistentArea[] {
    const geo = this.geometry;
    const epa = geo.exceptionsPerArea;
    const out: PersistentArea[] = [];
    for (let a = 0; a <= this.state.currentArea; a++) {
      const entries = Math.max(0, Math.min(epa, this.exceptions - a * epa));
      const chunk = geo.areaLocation(a);
      out.push({ index: a, chunk, entries, capacity: epa, full: entries === epa, firstData: chunk + 1, endData: Math.min(chunk + geo.stride, this.chunkCount) });
    }
    return out;
  }

  /** The table in on-disk order without a copy: views valid until the next change. */
  tableView(): { oldChunk: Float64Array; newChunk: Float64Array } {
    const n = this.exceptions;
    return { oldChunk: this.state.table.wideOldChunk().subarray(0, n), newChunk: this.state.table.newChunk.subarray(0, n) };
  }

  /** A copy of the table, in on-disk order. */
  exceptionTable(): PersistentTable {
    const n = this.exceptions;
    const epa = this.geometry.exceptionsPerArea;
    const area = new Uint32Array(n);
    const index = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      area[i] = Math.floor(i / epa);
      index[i] = i % epa;
    }
    return { oldChunk: Float64Array.from(this.state.table.oldChunk.subarray(0, n)), newChunk: this.state.table.newChunk.slice(0, n), area, index };
  }

  /** Chunks per role (header, metadata-area, data, free) in `buckets` equal buckets of [start, end). */
  occupancy(start = 0, end = this.chunkCount, buckets = 256): Occupancy {
    return chunkOccupancy(this.geometry, this.state, this.chunkCount, start, end, buckets);
  }

  /** What merging the snapshot into `origin` would copy (merge.ts); `slot` is 0, the only one. */
  planMerge(origin: BlockDevice, slot: number): MergeResult {
    const plan = planPersistentMerge(this, origin);
    return { dryRun: true, slot, chunks: plan.chunks, bytes: plan.bytes, summary: plan.summary };
  }

  /** Merges the snapshot into `origin` the way the kernel does (merge.ts); the only way to start one, so its listener is always guarded. */
  merge(origin: BlockDevice, _slot: number, opts: MergeOptions = {}): Task<MergeResult> {
    this.listener.begin('merge');
    // A step emits between copying a batch and clearing its entries: the same guard, rethrown per step.
    const guarded = opts.events ? { ...opts, events: this.listener.sink(opts.events) } : opts;
    return this.listener.task(createPersistentMerge(this, origin, guarded));
  }

  // ---- writing -----------------------------------------------------------------------------

  writeOrigin(origin: BlockDevice, chunk: number, data: Uint8Array, offset = 0): void {
    this.listener.begin('writeOrigin');
    this.checkWritable();
    this.forEachPiece(origin, chunk, data, offset, (c, at, piece) => {
      if (this.state.table.find(c) < 0) this.addException(origin, c, null, 0);
      origin.write(c * this.chunkBytes + at, piece);
    });
    this.lastOrigin = origin;
    this.listener.rethrow();
  }

  writeSnapshot(origin: BlockDevice, slot: number, chunk: number, data: Uint8Array, offset = 0): void {
    this.listener.begin('writeSnapshot');
    this.checkSlot(slot);
    this.checkWritable();
    this.forEachPiece(origin, chunk, data, offset, (c, at, piece) => {
      const entry = this.state.table.find(c);
      if (entry < 0) this.addException(origin, c, piece, at);
      else this.cow.write(this.state.table.newChunkOf(entry) * this.chunkBytes + at, piece);
    });
    this.listener.rethrow();
  }

  /** Every metadata change is already durable (the kernel commits each exception); flush the data. */
  commit(): void {
    this.listener.begin('commit');
    if (this.readOnly) return;
    this.cow.flush();
    this.lastOrigin?.flush();
  }

  close(): void {
    this.commit();
  }

  /** Writes area `area` from the table (entries past the table are zero; area-writer.ts). */
  writeArea(area: number): void {
    this.areaWriter.writeArea(area);
  }

  /** Writes bytes [from, to) of area `area` from the table: a merge's clear (merge.ts). */
  writeAreaBytes(area: number, from: number, to: number): void {
    this.areaWriter.writeAreaBytes(area, from, to);
  }

  /** persistent_prepare_exception + copy + persistent_commit_exception for origin chunk `c`. */
  private addException(origin: BlockDevice, c: number, piece: Uint8Array | null, at: number): void {
    const geo = this.geometry;
    const s = this.state;
    if (s.nextFreeFromMerge) this.recomputeNextFree();
    const newChunk = s.nextFree;
    const fillsArea = s.committed + 1 === geo.exceptionsPerArea;
    if (this.cow.size < (newChunk + 1) * this.chunkBytes || (fillsArea && geo.areaLocation(s.currentArea + 1) >= this.chunkCount)) {
      throw new SnapscopeError(
        'no-space',
        `the COW ${this.cow.name} is full (${this.exceptions} exceptions): the kernel would invalidate the snapshot here; nothing was written`,
        { device: this.cow.name, chunk: newChunk },
      );
    }
    // Copy (or, for a snapshot write, build) the chunk, and make it durable before the entry.
    const data = new Uint8Array(this.chunkBytes);
    const originBytes = Math.min(this.chunkBytes, origin.size - c * this.chunkBytes);
    if (piece === null || piece.length < this.chunkBytes) origin.read(c * this.chunkBytes, data.subarray(0, originBytes));
    if (piece) data.set(piece, at);
    this.cow.write(newChunk * this.chunkBytes, data);
    this.cow.flush();
    s.nextFree = geo.skipMetadata(newChunk + 1);

    s.table.push(c, newChunk);
    this.events?.({ type: 'pe-add', area: s.currentArea, entry: s.committed, origin: c, chunk: newChunk });
    if (fillsArea) {
      // The next area must read as empty (it holds no entry of the table) before this one reads as full.
      this.areaWriter.writeArea(s.currentArea + 1);
      this.cow.flush();
    }
    this.areaWriter.writeArea(s.currentArea);
    this.cow.flush();
    if (fillsArea) {
      s.currentArea++;
      s.committed = 0;
      this.events?.({ type: 'area-rollover', area: s.currentArea, chunk: geo.areaLocation(s.currentArea) });
    } else {
      s.committed++;
    }
  }

  /** After a merge next_free follows persistent_commit_merge(); the allocator needs the load-time rule. */
  private recomputeNextFree(): void {
    const { newChunk, count } = this.state.table;
    let next = this.geometry.areaLocation(0) + 1;
    for (let i = 0; i < count; i++) if (newChunk[i]! >= next) next = newChunk[i]! + 1;
    this.state.nextFree = this.geometry.skipMetadata(next);
    this.state.nextFreeFromMerge = false;
  }

  private forEachPiece(
    origin: BlockDevice,
    chunk: number,
    data: Uint8Array,
    offset: number,
    write: (chunk: number, at: number, piece: Uint8Array) => void,
  ): void {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new SnapscopeError('usage', `offset ${offset} is not a byte offset`, { device: origin.name, chunk });
    checkOriginWrite(origin, this.chunkBytes, chunk, offset, data.length);
    const start = chunk * this.chunkBytes + offset;
    let done = 0;
    while (done < data.length) {
      const pos = start + done;
      const c = Math.floor(pos / this.chunkBytes);
      const at = pos - c * this.chunkBytes;
      const n = Math.min(this.chunkBytes - at, data.length - done);
      write(c, at, data.subarray(done, done + n));
      done += n;
    }
  }

  private checkSlot(slot: number): void {
    if (slot !== 0) {
      throw new SnapscopeError('not-found', `no snapshot slot ${slot}: a persistent COW holds exactly one snapshot (slot 0, 'snap')`, {
        device: this.cow.name,
      });
    }
  }

  private checkWritable(): void {
    if (!this.readOnly) return;
    const why = this.valid ? 'it was opened read-only' : 'the snapshot is invalid (valid = 0)';
    throw new SnapscopeError('read-only', `cannot write to ${this.cow.name}: ${why}`, { device: this.cow.name });
  }

  /** Entry numbers in ascending origin-chunk order. */
  private entriesByOrigin(): Uint32Array {
    const { oldChunk, count } = this.state.table;
    const order = new Uint32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
    let maxOld = 0;
    for (let i = 0; i < count; i++) if (oldChunk[i]! > maxOld) maxOld = oldChunk[i]!;
    const shift = 2 ** Math.ceil(Math.log2(count + 1));
    if (maxOld * shift < 2 ** 53) {
      // Pack (origin, entry) into one float so the native numeric sort does the work.
      const keys = new Float64Array(count);
      for (let i = 0; i < count; i++) keys[i] = oldChunk[i]! * shift + i;
      keys.sort();
      for (let i = 0; i < count; i++) order[i] = keys[i]! % shift;
      return order;
    }
    return order.sort((a, b) => oldChunk[a]! - oldChunk[b]!);
  }
}

/** What a tolerant open found: the origin chunks whose mapping the table cannot prove, and where. */
interface TableDamage {
  errors: number;
  warnings: number;
  first: string;
  /** Origin chunk → the area chunk of a damaged entry naming it (a bad new_chunk, or remapped twice). */
  origins: Map<number, number>;
  /** An entry's old_chunk is unreadable, so no lookup can be proven: the area chunk holding it, or null. */
  anyOrigin: number | null;
  /** Entries with a bad old_chunk or new_chunk. */
  badEntries: number;
}

function tableDamage(walk: PersistentWalk, report: CheckReport): TableDamage {
  const { oldChunk, newChunk, count } = walk.table();
  const geo = walk.geometry!;
  const areaOf = (i: number): number => geo.areaLocation(Math.floor(i / geo.exceptionsPerArea));
  const origins = new Map<number, number>();
  let anyOrigin: number | null = null;
  let badEntries = 0;
  for (let i = 0; i < count; i++) {
    if (oldChunk[i]! >= 0 && (newChunk === null || newChunk[i]! >= 0)) continue;
    badEntries++;
    if (oldChunk[i]! < 0) anyOrigin ??= areaOf(i);
    else origins.set(oldChunk[i]!, areaOf(i));
  }
  for (const i of walk.originRepeats) origins.set(oldChunk[i]!, areaOf(i));
  const f = report.findings.find((x) => x.severity === 'error');
  return { errors: report.errors, warnings: report.warnings, first: f ? `${f.message} (chunk ${f.chunk}) [${f.kind}]` : '', origins, anyOrigin, badEntries };
}
