/**
 * Every call's arguments as a schema, and its result type, written once: `ApiCalls` (contract.ts)
 * is inferred from this table and the host validates every request by the same schemas
 * (validate.ts). Results are produced by the host, not received, so they are types only.
 * Range checks that need the store (chunk < chunkCount) happen in the host, which knows the geometry.
 */
import * as v from 'valibot';
import type {
  BrowseResult,
  ChunkInfoResult,
  DiscoverPairsResult,
  DmTableResult,
  ExceptionTableResult,
  HelloResult,
  JobInfo,
  LeafDetailResult,
  ListDevicesResult,
  LiveSnapshotsResult,
  OccupancyResult,
  PathToResult,
  PersistentAreaDto,
  RecentStore,
  SessionDto,
  SnapshotInfo,
  StoreInfo,
  TreeBlockDto,
  TreeRootResult,
} from './dto.ts';

type Empty = Record<string, never>;

/** A call: its argument schema, and its result type (a phantom: nothing at run time). */
export interface CallSpec<A extends v.GenericSchema, R> {
  readonly args: A;
  readonly result?: R;
}

function call<A extends v.GenericSchema>(args: A): { returns<R>(): CallSpec<A, R> } {
  return { returns: () => ({ args }) };
}

const MAX_PATH = 4096;
const expected = (what: string): string => `expected ${what}`;

const nonEmpty = v.pipe(v.string(expected('a string')), v.minLength(1, expected('a non-empty string')), v.maxLength(MAX_PATH, expected(`at most ${MAX_PATH} characters`)));
const bool = v.boolean(expected('true or false'));

function intIn(min: number, max: number) {
  const what = expected(max === Number.MAX_SAFE_INTEGER ? 'a non-negative integer' : `an integer in ${min}..${max}`);
  return v.pipe(v.number(what), v.safeInteger(what), v.minValue(min, what), v.maxValue(max, what));
}
const natural = intIn(0, Number.MAX_SAFE_INTEGER);

/** Base64 of at most 512 KiB (serve mode's bodies are 1 MiB at most). */
const MAX_DATA_CHARS = 4 * Math.ceil((512 << 10) / 3);
const BASE64 = expected('base64 data of 1 byte to 512 KiB');
const base64 = v.pipe(v.string(BASE64), v.minLength(1, BASE64), v.maxLength(MAX_DATA_CHARS, BASE64), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, BASE64), v.check((s) => s.length % 4 === 0, BASE64));

/** A device-mapper device name: what `dmsetup create` accepts and a shell shows as one word. */
const DM_NAME = expected('a device-mapper name (letters, digits, _+.-)');
const dmName = v.pipe(v.string(DM_NAME), v.regex(/^[A-Za-z0-9_+.-]{1,127}$/, DM_NAME), v.check((s) => s !== '.' && s !== '..', DM_NAME));

/** [user@]host as ssh takes it; never an option. */
const SSH = expected('[user@]host');
const sshTarget = v.pipe(v.string(SSH), v.regex(/^[A-Za-z0-9_.@:[\]-]{1,255}$/, SSH), v.check((s) => !s.startsWith('-'), SSH));

/** A snapshot: slot number, or name / UUID string. */
const SNAPSHOT = expected('a slot 0..63, a name or a UUID');
const snapshotRef = v.union([v.pipe(v.number(SNAPSHOT), v.safeInteger(SNAPSHOT), v.minValue(0, SNAPSHOT), v.maxValue(63, SNAPSHOT)), v.pipe(v.string(SNAPSHOT), v.minLength(1, SNAPSHOT), v.maxLength(MAX_PATH, SNAPSHOT))], SNAPSHOT);
/** 'origin' or a snapshot. */
const viewRef = snapshotRef;

function oneOf<const T extends readonly [string, ...string[]]>(...values: T) {
  return v.picklist(values, expected(`one of ${values.join(', ')}`));
}

/** An object with exactly these fields (v.optional ones may be absent or undefined), and no others. */
const object = v.strictObject;
const none = object({});
const session = { session: nonEmpty };
const sessionOnly = object(session);
const job = object({ job: nonEmpty });
/**
 * `live`: a COW the kernel is writing (a dm snapshot's), on this host or `host` (through ssh):
 * read-only, read again by `reload`; `merging` when its target is snapshot-merge (its table shrinks).
 */
const openArgs = object({ cow: nonEmpty, origin: v.optional(nonEmpty), write: v.optional(bool), live: v.optional(object({ host: v.optional(sshTarget), merging: v.optional(bool) })) });
const MAX_BUCKETS = 1 << 20;

/** An open session, or a COW path opened read-only for the job alone. */
type Target = { session: string; cow?: never } | { cow: string; session?: never };

const TARGET = expected('session or cow, exactly one of them');
const target = { session: v.optional(nonEmpty), cow: v.optional(nonEmpty) };
const exactlyOne = (o: { session?: string | undefined; cow?: string | undefined }): boolean => (o.session === undefined) !== (o.cow === undefined);
/** The contract's union, which the check before it proves. */
const asTarget = <T extends object>() => v.transform((o: T) => o as Omit<T, 'session' | 'cow'> & Target);

// Checks, stats, dumps and repairs take exactly one of `session` and `cow` (a COW that will not
// open); a violation is reported on `session`, the field a client most likely meant.
const checkArgs = object(target);
const inspectArgs = v.pipe(checkArgs, v.forward(v.partialCheck([['session'], ['cow']], exactlyOne, TARGET), ['session']), asTarget<v.InferOutput<typeof checkArgs>>());
const dumpFields = object({ ...target, format: v.optional(oneOf('json', 'xml')), maxBytes: v.optional(intIn(1, 1 << 30)) });
const dumpArgs = v.pipe(dumpFields, v.forward(v.partialCheck([['session'], ['cow']], exactlyOne, TARGET), ['session']), asTarget<v.InferOutput<typeof dumpFields>>());
const repairFields = object({ ...target, out: nonEmpty });
const repairArgs = v.pipe(repairFields, v.forward(v.partialCheck([['session'], ['cow']], exactlyOne, TARGET), ['session']), asTarget<v.InferOutput<typeof repairFields>>());
/** An uploaded dump: text of at most 768 KiB (serve mode's bodies are 1 MiB at most). */
const TEXT = expected('text of 1 to 786432 characters');
const dumpText = v.pipe(v.string(TEXT), v.minLength(1, TEXT), v.maxLength(768 << 10, TEXT));
const restoreFields = object({
  ...target,
  dump: v.optional(nonEmpty),
  dumpText: v.optional(dumpText),
  dataFrom: v.optional(nonEmpty),
  metadataOnly: v.optional(bool),
  force: v.optional(bool),
  backup: v.optional(nonEmpty),
  dryRun: v.optional(bool),
});
const oneDump = (o: { dump?: string | undefined; dumpText?: string | undefined }): boolean => (o.dump === undefined) !== (o.dumpText === undefined);
const restoreArgs = v.pipe(
  restoreFields,
  v.forward(v.partialCheck([['session'], ['cow']], exactlyOne, TARGET), ['session']),
  v.forward(v.partialCheck([['dump'], ['dumpText']], oneDump, expected('dump or dumpText, exactly one of them')), ['dump']),
  asTarget<v.InferOutput<typeof restoreFields>>(),
);

/** Every call, by name: its arguments' schema and its result. */
export const CALLS = {
  // host
  hello: call(none).returns<HelloResult>(),
  listDevices: call(object({ dir: v.optional(nonEmpty), host: v.optional(sshTarget) })).returns<ListDevicesResult>(),
  discoverPairs: call(none).returns<DiscoverPairsResult>(),
  /** The `dmsetup create` table line for the session's store (a snapshot slot for a shared store). */
  dmTable: call(object({ ...session, snapshot: v.optional(snapshotRef), name: v.optional(dmName) })).returns<DmTableResult>(),
  recentStores: call(none).returns<{ stores: RecentStore[] }>(),
  /** Creates the deterministic demo store (origin.img, shared.cow) in `dir` or the data dir when missing. */
  createDemo: call(object({ dir: v.optional(nonEmpty) })).returns<{ dir: string; origin: string; cow: string; created: boolean }>(),
  /** Electron: a native open dialog. Elsewhere fails with 'unsupported'. */
  pickPath: call(object({ kind: oneOf('image', 'device', 'directory') })).returns<{ path: string | null }>(),
  /** Serve mode's file chooser: one directory's entries this user can read (default: the home directory). */
  browse: call(object({ dir: v.optional(nonEmpty) })).returns<BrowseResult>(),
  /**
   * Live dm snapshots of this host and of `hosts` (each [user@]host, reached through ssh and its
   * snapscope-helper), with fill rates and merge progress computed across successive calls.
   */
  liveSnapshots: call(object({ hosts: v.optional(v.pipe(v.array(sshTarget, expected('a list')), v.maxLength(64, expected('a list of at most 64')))) })).returns<LiveSnapshotsResult>(),

  // sessions
  /**
   * Opens a store (read-only unless `write`); the same COW opened twice gives the same session.
   * It runs as a job of kind 'open' (phases 'open', then 'scan' for a persistent COW's table), so
   * every client sees its progress; a `jobCancel` of that job makes this call fail 'cancelled'.
   */
  open: call(openArgs).returns<SessionDto>(),
  /** The same open, answering its job at once: the session arrives as the job's result. */
  openStart: call(openArgs).returns<JobInfo>(),
  close: call(sessionOnly).returns<Empty>(),
  sessions: call(none).returns<{ sessions: SessionDto[] }>(),
  info: call(sessionOnly).returns<StoreInfo>(),
  /** Reads the store again from disk (after a `disk-changed` event): same session id, next generation. */
  reload: call(sessionOnly).returns<SessionDto>(),

  // shared store B-tree
  treeRoot: call(sessionOnly).returns<TreeRootResult>(),
  /** A node or a leaf, decoded, by its COW chunk. */
  treeBlock: call(object({ ...session, chunk: natural })).returns<TreeBlockDto>(),
  pathTo: call(object({ ...session, key: natural })).returns<PathToResult>(),
  leafDetail: call(object({ ...session, chunk: natural })).returns<LeafDetailResult>(),

  // both formats
  /** Chunks per role in `buckets` equal buckets of [start, end); `bySnapshot` adds who reads the exception data. */
  occupancy: call(object({ ...session, start: natural, end: natural, buckets: intIn(1, MAX_BUCKETS), bySnapshot: v.optional(bool) })).returns<OccupancyResult>(),
  /** What one COW chunk holds (hover), and for exception data the origin chunk and the leaf that maps it (click). */
  chunkInfo: call(object({ ...session, chunk: natural })).returns<ChunkInfoResult>(),
  /** One chunk of a view, base64 (needs the origin unless the snapshot has an exception there). */
  readChunk: call(object({ ...session, from: viewRef, chunk: natural })).returns<{ data: string }>(),

  // persistent store
  areas: call(sessionOnly).returns<{ exceptionsPerArea: number; areas: PersistentAreaDto[] }>(),
  exceptionTable: call(
    object({
      ...session,
      offset: natural,
      limit: intIn(0, 100_000),
      sort: v.optional(oneOf('entry', 'origin', 'chunk')),
      descending: v.optional(bool),
      originFrom: v.optional(natural),
      originTo: v.optional(natural),
    }),
  ).returns<ExceptionTableResult>(),

  // writes (need a session opened with write: true)
  snapshotCreate: call(object({ ...session, name: v.optional(nonEmpty), slot: v.optional(intIn(0, 63)) })).returns<SnapshotInfo>(),
  snapshotDelete: call(object({ ...session, snapshot: snapshotRef })).returns<Empty>(),
  snapshotRename: call(object({ ...session, snapshot: snapshotRef, name: nonEmpty })).returns<SnapshotInfo>(),
  /** Fills one whole chunk of a view with a byte, then commits (demo writes). */
  writeChunk: call(object({ ...session, to: viewRef, chunk: natural, fill: intIn(0, 255) })).returns<StoreInfo>(),
  /** `count` random whole-chunk writes (deterministic for a seed), committing every `commitEvery`: a job. */
  randomWrites: call(object({ ...session, to: viewRef, count: intIn(1, 10_000_000), seed: v.optional(natural), commitEvery: v.optional(intIn(1, 1_000_000)) })).returns<JobInfo>(),
  /** Writes `data` (base64, at most 512 KiB) at byte `offset` of a view, then commits (like `snapscope write`). */
  writeData: call(object({ ...session, to: viewRef, offset: natural, data: base64 })).returns<StoreInfo>(),
  /** Clears a shared store's recorded merge that has not moved any origin chunk yet: the origin is untouched. */
  mergeAbandon: call(sessionOnly).returns<StoreInfo>(),

  // long work: each returns the started job; its result comes in job events or from jobWait
  /** check, stats and dump walk raw blocks, so they also take a `cow` path that will not open (damaged). */
  check: call(inspectArgs).returns<JobInfo>(),
  stats: call(inspectArgs).returns<JobInfo>(),
  /** The text is cut at `maxBytes` (default 1 MiB; `snapscope dump` streams any size). */
  dump: call(dumpArgs).returns<JobInfo>(),
  /**
   * `batchChunks`: origin chunks per batch (default: the format's, 256 MiB shared, 32 MiB
   * persistent); small batches pause and cancel sooner. The engine caps a batch at 2^16 chunks,
   * so a larger ask is a mistake, not a wish.
   */
  merge: call(object({ ...session, snapshot: snapshotRef, dryRun: v.optional(bool), batchChunks: v.optional(intIn(1, 1 << 16)) })).returns<JobInfo>(),
  /** Rebuilds a consistent store from what check trusts into `out`, a new file (never the COW itself). */
  repair: call(repairArgs).returns<JobInfo>(),
  /**
   * `snapscope restore`: rewrites a COW's metadata from a dump — the open store in place (opened
   * for writing; what is overwritten is backed up, then the session reloads), or a COW path. The
   * dump is a file on the host (`dump`) or uploaded (`dumpText`, at most 768 KiB).
   */
  restore: call(restoreArgs).returns<JobInfo>(),

  // jobs
  jobs: call(none).returns<{ jobs: JobInfo[] }>(),
  jobPause: call(job).returns<JobInfo>(),
  jobResume: call(job).returns<JobInfo>(),
  jobCancel: call(job).returns<JobInfo>(),
  /** Resolves when the job has ended (done, failed or cancelled), with its final state. */
  jobWait: call(job).returns<JobInfo>(),
};

type Calls = typeof CALLS;
/** A call's arguments as the handler receives them; no fields at all is `Empty`, so `{ x: 1 }` does not type-check. */
type ArgsOf<S extends v.GenericSchema> = keyof v.InferOutput<S> extends never ? Empty : v.InferOutput<S>;

/** Every call: its argument object and its result, inferred from CALLS. */
export type ApiCalls = { [M in keyof Calls]: { args: ArgsOf<Calls[M]['args']>; result: Calls[M] extends CallSpec<v.GenericSchema, infer R> ? R : never } };
