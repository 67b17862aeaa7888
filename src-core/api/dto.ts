/**
 * JSON-safe data the API returns. Numbers are chunk numbers, byte counts and sector counts (all
 * below 2^53); 64-bit share masks are hex strings (mask.ts). Units: `*Bytes` bytes, `*Sectors`
 * 512-byte sectors, everything else about chunks is in chunks of the store's chunk size.
 */
import type { ChunkRole, StructuralEvent } from '../events.ts';
import type { ErrorLocation } from '../errors.ts';
import type { ProgressReport } from '../jobs/progress.ts';
import type { JobState } from '../jobs/job.ts';
import type { MergeResult } from '../merge-result.ts';
import type { Occupancy, OccupancyRole } from '../occupancy.ts';
import type { PersistentArea } from '../persistent/persistent-store.ts';
import type { StoreStats } from '../stats/stats.ts';
import type { KernelStatus, SnapshotInfo, StoreFormat, StoreInfo } from '../store.ts';
import type { ApiErrorShape } from './errors.ts';
import type { HexMask } from './mask.ts';

/*
 * Types flow one way: the engine defines its results, and this module re-exports or maps them
 * (never the other way round; the lint rule engine-not-on-api enforces it).
 */
export type { ChunkRole, ErrorLocation, JobState, KernelStatus, MergeResult, OccupancyRole, ProgressReport, SnapshotInfo, StoreFormat, StoreInfo };

/** A snapshot named by slot number, name or UUID ('snap' or 0 for a persistent COW). */
export type SnapshotRef = number | string;
/** Which image a read or write goes to: the origin, or a snapshot. */
export type ViewRef = 'origin' | SnapshotRef;

// ---- host ----------------------------------------------------------------------------------

export interface HelloResult {
  version: string;
  /** Which composition root serves the API. */
  mode: 'electron' | 'serve' | 'local';
  /** Where the demo store and recent list live. */
  dataDir: string;
  /** Electron only: `pickPath` shows a native dialog. */
  canPickPaths: boolean;
  /** How a device the user cannot open would be opened ('pkexec', 'sudo'), or null with why. */
  helper: { method: 'pkexec' | 'sudo' | null; note: string | null };
}

/** What snapscope finds at a path by reading its magic. */
export type DetectedFormat = StoreFormat | 'unknown' | 'unreadable';

export interface BlockDeviceDto {
  /** Kernel name ("sda1", "loop0", "dm-3"). */
  name: string;
  path: string;
  /** "disk", "part", "loop", "dm", "md", ... */
  type: string;
  sizeBytes: number;
  model: string | null;
  /** Kernel holders (/sys/block/X/holders): dm or md devices stacked on it. */
  holders: string[];
  /** Why writing it would be refused (mounted, held, in a dm table, loop-attached), or null. */
  inUse: string | null;
  readOnly: boolean;
  /** device-mapper name for dm-N. */
  dmName: string | null;
  /** Backing file of a loop device. */
  backingFile: string | null;
  /** Whether this user can open it without the privileged helper. */
  readable: boolean;
  format: DetectedFormat;
  /** The remote host ([user@]host) it is on, through that host's helper; absent for this machine. */
  host?: string;
}

export interface ImageFileDto {
  path: string;
  name: string;
  sizeBytes: number;
  modified: number;
  format: DetectedFormat;
}

export interface ListDevicesResult {
  /** The remote host asked about; absent for this machine. */
  host?: string;
  devices: BlockDeviceDto[];
  /** Image files of the directory asked for (or the data directory). */
  dir: string;
  images: ImageFileDto[];
}

export interface DiscoveredPair {
  /** dm name or vg/lv. */
  name: string;
  source: 'dmsetup' | 'lvm';
  origin: string;
  cow: string;
  chunkSectors: number | null;
  /** The table line it was found in (dmsetup). */
  table: string | null;
}

export interface DiscoverPairsResult {
  pairs: DiscoveredPair[];
  /** Which tools were found and usable. */
  tools: { dmsetup: boolean; lvs: boolean };
  notes: string[];
}

export interface DmTableResult {
  /** `0 <origin sectors> snapshot <origin> ...`: the table line. */
  table: string;
  /** A complete `dmsetup create <name> --table '...'` command. */
  command: string;
  notes: string[];
}

export interface RecentStore {
  cow: string;
  origin: string | null;
  format: StoreFormat | null;
  /** Unix milliseconds. */
  openedAt: number;
}

/** One entry of a directory listing (serve mode's file chooser). */
export interface BrowseEntry {
  name: string;
  path: string;
  kind: 'directory' | 'file' | 'device';
  sizeBytes: number | null;
}

export interface BrowseResult {
  /** The directory listed, absolute and without symlinks. */
  dir: string;
  /** Its parent, or null at the root. */
  parent: string | null;
  /** Directories first, then files and block devices, by name; only what this user can read. */
  entries: BrowseEntry[];
  /** Entries left out past the listing's cap. */
  more: number;
}

// ---- sessions ------------------------------------------------------------------------------

/** An open store: a COW and, optionally, its origin. Shared by every client of the host. */
export interface SessionDto {
  session: string;
  cow: string;
  origin: string | null;
  write: boolean;
  format: StoreFormat;
  /** Opened through the privileged helper. */
  viaHelper: boolean;
  /** Asked for writing but opened read-only, and why: "opened read-only: shared.cow is in use (open for writing by snapscope replay (pid 4242))". */
  readOnlyReason?: string;
  info: StoreInfo;
  /**
   * Bumped by every commit the host makes and by every reload: views derive from the newest one.
   * Optional for hosts older than the field.
   */
  generation?: number;
  /** A live COW (what the kernel wrote to a dm snapshot's COW, read consistently); absent for a store at rest. */
  live?: LiveSessionDto;
}

export interface LiveSessionDto {
  /** THIS_HOST or the [user@]host it was read from. */
  host: string;
  /** When the table shown was read (ms since the epoch): the kernel's state at or before then. */
  asOf: number;
  /** Exceptions at the read before this one: entries from here on are new since (none at the first read); merging, previous - exceptions were merged since. */
  previous: number;
  /** Opened as a snapshot-merge target's COW: the kernel merges it, so its table only shrinks. */
  merging?: true;
}

// ---- shared store B-tree --------------------------------------------------------------------

export interface NodeDto {
  kind: 'node';
  chunk: number;
  count: number;
  /** entries[0].key is unused on disk (the subtree's lower bound comes from the parent). */
  entries: { key: number; chunk: number }[];
}

export interface ExceptionDto {
  chunk: number;
  share: HexMask;
  slots: number[];
}

export interface LeafDto {
  kind: 'leaf';
  chunk: number;
  /** base_chunk: map entries are relative to it; `origin` below is absolute. */
  base: number;
  using: HexMask;
  count: number;
  entries: { origin: number; offset: number; exceptions: ExceptionDto[] }[];
  freeBytes: number;
}

export type TreeBlockDto = NodeDto | LeafDto;

export interface TreeRootResult {
  root: number;
  /** tree_level: 0 = the root is a leaf. */
  levels: number;
}

export interface PathToResult {
  key: number;
  /** Chunks from the root down to the leaf (the leaf last). */
  path: number[];
  leaf: number;
}

export interface LeafDetailResult {
  leaf: LeafDto;
  /** Active snapshot slots: the sharemap's columns. */
  slots: number[];
  /** One row per origin chunk of the leaf; cells[i] is the COW chunk slots[i] reads, or -1 (origin). */
  rows: { origin: number; cells: number[] }[];
}

// ---- occupancy -------------------------------------------------------------------------------

/** The engine's allocation map (Occupancy), with who reads the data chunks when asked. */
export interface OccupancyResult extends Occupancy {
  /**
   * With `bySnapshot`: the exception data chunks of each bucket (role 'exception', or 'data' in a
   * persistent COW) by who reads them — one snapshot only (per slot; slots with none are left
   * out), or two snapshots or more (shared). An allocated chunk no exception references (a leak)
   * is in neither.
   */
  owners?: { slots: { slot: number; counts: number[] }[]; shared: number[] };
}

export interface ChunkInfoResult {
  chunk: number;
  role: OccupancyRole;
  /** Exception data: the origin chunk it keeps, the snapshots that read it, where it is mapped. */
  exception: {
    origin: number;
    slots: number[];
    /** Shared store: the leaf that maps it (open it with leafDetail). */
    leaf: number | null;
    /** Persistent store: its entry in the exception table. */
    entry: number | null;
  } | null;
}

// ---- persistent store ------------------------------------------------------------------------

/** A metadata area as the engine describes it, without `full` (entries === capacity says it). */
export type PersistentAreaDto = Omit<PersistentArea, 'full'>;

export interface ExceptionRowDto {
  /** Position in the on-disk table (area * exceptionsPerArea + index). */
  entry: number;
  area: number;
  origin: number;
  chunk: number;
}

export type ExceptionSort = 'entry' | 'origin' | 'chunk';

export interface ExceptionTableResult {
  /** Exceptions in the table. */
  total: number;
  /** ... within the origin range filter. */
  matched: number;
  offset: number;
  rows: ExceptionRowDto[];
}

// ---- jobs --------------------------------------------------------------------------------------

export interface Finding {
  kind: string;
  severity: 'error' | 'warning';
  message: string;
  where: ErrorLocation;
  expected?: string;
}

export interface CheckReport {
  /** No errors (warnings may remain). */
  clean: boolean;
  errors: number;
  warnings: number;
  /** The first findings, in the order found (capped; counts stay exact). */
  findings: Finding[];
  truncated: boolean;
  /** Findings per kind, past the cap too. */
  byKind: Record<string, number>;
  /** Tree blocks or metadata areas walked, and live exceptions seen. */
  blocks: number;
  exceptions: number;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Statistics from the checker's walk: on a damaged store, only what check vouches for. */
/** The engine's statistics (stats/stats.ts) are plain JSON-safe data: the API carries them as they are. */
export type StatsReport = StoreStats;

export interface DumpResult {
  format: 'json' | 'xml';
  text: string;
  /** The dump was cut at `maxBytes`. */
  truncated: boolean;
  /** Exceptions written (before any cut). */
  exceptions: number;
  /** Errors the walk met: a damaged store dumps only what check vouches for. */
  errors: number;
}

export interface RepairResultDto {
  /** What check found on the source. */
  errors: number;
  warnings: number;
  /** Exceptions kept, and lost (with the first losses: origin chunks, snapshots, why). */
  kept: number;
  lost: number;
  losses: { first: number; last: number; slots: number[]; why: string }[];
  notes: string[];
  /** Metadata chunks written, and where. */
  written: number;
  target: string;
}

/** A restore from a dump (`snapscope restore`): what it would do (dry run) or did. */
export interface RestoreResultDto {
  dryRun: boolean;
  /** The dump's store: format, geometry, exceptions and snapshots. */
  format: 'shared' | 'persistent';
  chunkBytes: number;
  chunkCount: number;
  exceptions: number;
  snapshots: { slot: number; name: string }[];
  target: string;
  /** 'in-place': the metadata of the store in `target` is rewritten (backed up); 'new': `target` is written whole. */
  mode: 'in-place' | 'new';
  /** "rewrite the metadata of the store in … in place, backing up …", "create new.cow, data from old.cow". */
  would: string;
  /** What the target holds now and will lose ("a shared store: 4 snapshots, 1234 exceptions"), or null when it holds nothing. */
  overwrites: string | null;
  /** A dry run found a target holding data that only `force` lets the restore overwrite. */
  needsForce: boolean;
  /** Where what is overwritten in place is saved (undo: `snapscope backup-restore`); null for a new target or when nothing was saved. */
  backup: string | null;
  /** Metadata chunks written (0 in a dry run). */
  written: number;
}

export interface RandomWritesResult {
  writes: number;
  /** Exceptions in the store before and after. */
  exceptionsBefore: number;
  exceptionsAfter: number;
}

export interface JobResults {
  open: SessionDto;
  check: CheckReport;
  stats: StatsReport;
  dump: DumpResult;
  merge: MergeResult;
  'random-writes': RandomWritesResult;
  repair: RepairResultDto;
  restore: RestoreResultDto;
}
export type JobKind = keyof JobResults;

interface JobBase {
  id: string;
  session: string | null;
  /** "merge snapshot 'before-upgrade'", for activity logs. */
  label: string;
  state: JobState;
  progress: ProgressReport;
  /** Unix milliseconds. */
  startedAt: number;
  endedAt: number | null;
  canPause: boolean;
  error: ApiErrorShape | null;
}
/** A job; `result` is set once `state` is 'done'. */
export type JobInfo = { [K in JobKind]: JobBase & { kind: K; result: JobResults[K] | null } }[JobKind];

// ---- events -----------------------------------------------------------------------------------

type Jsonify<E> = { [K in keyof E]: E[K] extends bigint ? HexMask : E[K] };
/** A structural event with its masks as hex. */
export type StructuralEventDto = StructuralEvent extends infer E ? (E extends StructuralEvent ? Jsonify<E> : never) : never;

export type StoreChange = 'opened' | 'reopened' | 'write' | 'snapshot' | 'merge' | 'job' | 'reloaded';

/** Commands the Electron menus send to the renderer. */
export type UiCommand =
  | 'open-store' // `path` (and `origin`) picked by a menu dialog or drop; the host has opened it: see `session`
  | 'close-store'
  | 'view-overview'
  | 'view-btree'
  | 'view-bitmap'
  | 'view-persistent'
  | 'view-merge'
  | 'view-activity'
  | 'view-teach'
  | 'zoom-in'
  | 'zoom-out'
  | 'zoom-reset'
  | 'search'
  | 'about';

/**
 * What changed in `info` since the previous store-changed event of a session: the top-level fields
 * that differ, the snapshots whose figures or labels differ, and the slots no longer there.
 */
export type StoreInfoDelta = Partial<Omit<StoreInfo, 'snapshots'>> & { snapshots?: SnapshotInfo[]; goneSlots?: number[] };

export type ApiEvent =
  /** Structural events of one call or one job slice, in order; `dropped` were not sent (rate cap). */
  | { type: 'structural'; session: string; events: StructuralEventDto[]; dropped: number }
  /** A job started, progressed or changed state. */
  | { type: 'job'; job: JobInfo }
  /**
   * The store's content changed (any client's write, a job's commit): refetch what you show.
   * `delta` holds only what differs from the session's previous event (applyInfoDelta, info-delta.ts);
   * `generation` is the session's, bumped by every commit and reload.
   */
  | { type: 'store-changed'; session: string; reason: StoreChange; delta: StoreInfoDelta; generation?: number }
  /**
   * Someone else changed the store on disk (a writer that takes no lock: the kernel, another
   * program): what the host holds is stale. `reload` reads it again; until then writes fail 'stale'.
   */
  | { type: 'disk-changed'; session: string; generation: number }
  | { type: 'session-opened'; session: SessionDto }
  | { type: 'session-closed'; session: string }
  | { type: 'ui'; command: UiCommand; session?: string };

/** One dm snapshot target of a live machine, with what `snapscope watch` computes for it. */
export interface LiveSnapshotDto {
  /** The dm device name (vg-snap). */
  name: string;
  kind: 'snapshot' | 'snapshot-merge' | 'snapshot-origin';
  /** The kernel's word ('active' for a numeric status); null for snapshot-origin. */
  state: 'active' | 'Invalid' | 'Merge failed' | 'Overflow' | 'Unknown' | null;
  store: 'P' | 'PO' | 'N' | null;
  chunkSectors: number | null;
  originPath: string | null;
  cowPath: string | null;
  lvm: { vg: string; lv: string; attr: string; origin: string } | null;
  /** Sectors, as `dmsetup status` gives them. */
  usage: { allocated: number; total: number; metadata: number } | null;
  /** Snap% as lvs computes it. */
  percent: number | null;
  chunksPerMinute: number | null;
  secondsToOverflow: number | null;
  /** Chunks allocated since the previous poll. */
  newChunks: number;
  merge: { percent: number; chunksPerSecond: number | null; secondsLeft: number | null; finished: boolean } | null;
  /** Set on the one poll where it happened. */
  alert: 'warn' | 'invalid' | 'merge-finished' | null;
}

/** How the API names the machine it runs on, where another host is the [user@]host ssh reaches. */
export const THIS_HOST = 'this host';

export interface LiveHostDto {
  /** THIS_HOST, or [user@]host reached through ssh. */
  host: string;
  state: 'ok' | 'unavailable';
  /** Why it is unavailable (no device-mapper, needs root, ssh failed), in the tools' words. */
  message: string | null;
  /** When the report was taken (ms since the epoch). */
  asOf: number;
  snapshots: LiveSnapshotDto[];
}

export interface LiveSnapshotsResult {
  hosts: LiveHostDto[];
}
