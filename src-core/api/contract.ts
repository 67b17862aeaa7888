/**
 * THE API contract: every call (name → args → result), every event, the error shape, the channel
 * names. Electron's preload, the IPC adapter, serve mode, the host and the renderer all import
 * this module; no channel name or method name is written anywhere else. Every call takes one
 * plain-object argument and returns JSON-safe data (dto.ts); every argument is validated at the
 * boundary (validate.ts) because a renderer is not trusted.
 */
import type {
  ApiEvent,
  BrowseResult,
  ChunkInfoResult,
  DiscoverPairsResult,
  DmTableResult,
  ExceptionSort,
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
  SnapshotRef,
  StoreInfo,
  TreeBlockDto,
  TreeRootResult,
  ViewRef,
} from './dto.ts';
import { ApiError, type Envelope } from './errors.ts';

export * from './dto.ts';
export * from './errors.ts';
export * from './mask.ts';

type Session = { session: string };
type OpenArgs = { cow: string; origin?: string; write?: boolean };
/** An open session, or a COW path opened read-only for the job alone. */
type InspectTarget = { session: string; cow?: never } | { cow: string; session?: never };
type Empty = Record<string, never>;
type RestoreOptions = { dump?: string; dumpText?: string; dataFrom?: string; metadataOnly?: boolean; force?: boolean; backup?: string; dryRun?: boolean };

/** Every call: its argument object and its result. */
export interface ApiCalls {
  // host
  hello: { args: Empty; result: HelloResult };
  listDevices: { args: { dir?: string }; result: ListDevicesResult };
  discoverPairs: { args: Empty; result: DiscoverPairsResult };
  /** The `dmsetup create` table line for the session's store (a snapshot slot for a shared store). */
  dmTable: { args: Session & { snapshot?: SnapshotRef; name?: string }; result: DmTableResult };
  recentStores: { args: Empty; result: { stores: RecentStore[] } };
  /** Creates the deterministic demo store (origin.img, shared.cow) in `dir` or the data dir when missing. */
  createDemo: { args: { dir?: string }; result: { dir: string; origin: string; cow: string; created: boolean } };
  /** Electron: a native open dialog. Elsewhere fails with 'unsupported'. */
  pickPath: { args: { kind: 'image' | 'device' | 'directory' }; result: { path: string | null } };
  /** Serve mode's file chooser: one directory's entries this user can read (default: the home directory). */
  browse: { args: { dir?: string }; result: BrowseResult };

  // sessions
  /**
   * Opens a store (read-only unless `write`); the same COW opened twice gives the same session.
   * It runs as a job of kind 'open' (phases 'open', then 'scan' for a persistent COW's table), so
   * every client sees its progress; a `jobCancel` of that job makes this call fail 'cancelled'.
   */
  open: { args: OpenArgs; result: SessionDto };
  /** The same open, answering its job at once: the session arrives as the job's result. */
  openStart: { args: OpenArgs; result: JobInfo };
  close: { args: Session; result: Empty };
  sessions: { args: Empty; result: { sessions: SessionDto[] } };
  info: { args: Session; result: StoreInfo };
  /** Reads the store again from disk (after a `disk-changed` event): same session id, next generation. */
  reload: { args: Session; result: SessionDto };

  // shared store B-tree
  treeRoot: { args: Session; result: TreeRootResult };
  /** A node or a leaf, decoded, by its COW chunk. */
  treeBlock: { args: Session & { chunk: number }; result: TreeBlockDto };
  pathTo: { args: Session & { key: number }; result: PathToResult };
  leafDetail: { args: Session & { chunk: number }; result: LeafDetailResult };

  // both formats
  /** Chunks per role in `buckets` equal buckets of [start, end); `bySnapshot` adds who reads the exception data. */
  occupancy: { args: Session & { start: number; end: number; buckets: number; bySnapshot?: boolean }; result: OccupancyResult };
  /** What one COW chunk holds (hover), and for exception data the origin chunk and the leaf that maps it (click). */
  chunkInfo: { args: Session & { chunk: number }; result: ChunkInfoResult };
  /** One chunk of a view, base64 (needs the origin unless the snapshot has an exception there). */
  readChunk: { args: Session & { from: ViewRef; chunk: number }; result: { data: string } };

  // persistent store
  areas: { args: Session; result: { exceptionsPerArea: number; areas: PersistentAreaDto[] } };
  exceptionTable: {
    args: Session & { offset: number; limit: number; sort?: ExceptionSort; descending?: boolean; originFrom?: number; originTo?: number };
    result: ExceptionTableResult;
  };

  // writes (need a session opened with write: true)
  snapshotCreate: { args: Session & { name?: string; slot?: number }; result: SnapshotInfo };
  snapshotDelete: { args: Session & { snapshot: SnapshotRef }; result: Empty };
  snapshotRename: { args: Session & { snapshot: SnapshotRef; name: string }; result: SnapshotInfo };
  /** Fills one whole chunk of a view with a byte, then commits (demo writes). */
  writeChunk: { args: Session & { to: ViewRef; chunk: number; fill: number }; result: StoreInfo };
  /** `count` random whole-chunk writes (deterministic for a seed), committing every `commitEvery`: a job. */
  randomWrites: { args: Session & { to: ViewRef; count: number; seed?: number; commitEvery?: number }; result: JobInfo };
  /** Writes `data` (base64, at most 512 KiB) at byte `offset` of a view, then commits (like `snapscope write`). */
  writeData: { args: Session & { to: ViewRef; offset: number; data: string }; result: StoreInfo };
  /** Clears a shared store's recorded merge that has not moved any origin chunk yet: the origin is untouched. */
  mergeAbandon: { args: Session; result: StoreInfo };

  /**
   * Live dm snapshots of this host and of `hosts` (each [user@]host, reached through ssh and its
   * snapscope-helper), with fill rates and merge progress computed across successive calls.
   */
  liveSnapshots: { args: { hosts?: string[] }; result: LiveSnapshotsResult };

  // long work: each returns the started job; its result comes in job events or from jobWait
  /** check, stats and dump walk raw blocks, so they also take a `cow` path that will not open (damaged). */
  check: { args: InspectTarget; result: JobInfo };
  stats: { args: InspectTarget; result: JobInfo };
  /** The text is cut at `maxBytes` (default 1 MiB; `snapscope dump` streams any size). */
  dump: { args: InspectTarget & { format?: 'json' | 'xml'; maxBytes?: number }; result: JobInfo };
  /** `batchChunks`: origin chunks per batch (default: the format's, 256 MiB shared, 32 MiB persistent); small batches pause and cancel sooner. */
  merge: { args: Session & { snapshot: SnapshotRef; dryRun?: boolean; batchChunks?: number }; result: JobInfo };
  /** Rebuilds a consistent store from what check trusts into `out`, a new file (never the COW itself). */
  repair: { args: InspectTarget & { out: string }; result: JobInfo };
  /**
   * `snapscope restore`: rewrites a COW's metadata from a dump — the open store in place (opened
   * for writing; what is overwritten is backed up, then the session reloads), or a COW path. The
   * dump is a file on the host (`dump`) or uploaded (`dumpText`, at most 768 KiB).
   */
  restore: { args: InspectTarget & RestoreOptions; result: JobInfo };

  // jobs
  jobs: { args: Empty; result: { jobs: JobInfo[] } };
  jobPause: { args: { job: string }; result: JobInfo };
  jobResume: { args: { job: string }; result: JobInfo };
  jobCancel: { args: { job: string }; result: JobInfo };
  /** Resolves when the job has ended (done, failed or cancelled), with its final state. */
  jobWait: { args: { job: string }; result: JobInfo };
}

export type Method = keyof ApiCalls;
export type CallArgs<M extends Method> = ApiCalls[M]['args'];
export type CallResult<M extends Method> = ApiCalls[M]['result'];

/** Every method, in one list: the preload and the clients build their objects from it. */
export const METHODS = [
  'hello',
  'listDevices',
  'discoverPairs',
  'dmTable',
  'recentStores',
  'createDemo',
  'pickPath',
  'browse',
  'liveSnapshots',
  'open',
  'openStart',
  'close',
  'sessions',
  'info',
  'reload',
  'treeRoot',
  'treeBlock',
  'pathTo',
  'leafDetail',
  'occupancy',
  'chunkInfo',
  'readChunk',
  'areas',
  'exceptionTable',
  'snapshotCreate',
  'snapshotDelete',
  'snapshotRename',
  'writeChunk',
  'randomWrites',
  'writeData',
  'mergeAbandon',
  'check',
  'stats',
  'dump',
  'merge',
  'repair',
  'restore',
  'jobs',
  'jobPause',
  'jobResume',
  'jobCancel',
  'jobWait',
] as const satisfies readonly Method[];

// A compile-time check that METHODS lists every method.
type Missing = Exclude<Method, (typeof METHODS)[number]>;
const everyMethodListed: Missing extends never ? true : Missing = true;
void everyMethodListed;

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && (METHODS as readonly string[]).includes(name);
}

/**
 * Channel names, once. Electron: `invoke` carries (method, args) and answers an Envelope; `event`
 * carries ApiEvents to the renderer. Serve mode: POST `${httpCall}<method>` with the args as JSON
 * body answers an Envelope; the WebSocket at `ws` pushes WireServerMessages and accepts
 * WireClientMessages (calls over the socket, same Envelope). Every HTTP request and WebSocket
 * carries the token as `?token=`, the `cookie` cookie (set by the server after the first request)
 * or an `Authorization: Bearer` header.
 */
export const CHANNELS = {
  invoke: 'snapscope:invoke',
  event: 'snapscope:event',
  httpCall: '/api/call/',
  ws: '/api/ws',
  tokenParam: 'token',
  cookie: 'snapscope_token',
} as const;

/** The name under which the Electron preload exposes the bridge on `window`. */
export const BRIDGE_GLOBAL = 'snapscope';

export type WireClientMessage = { type: 'call'; id: number; method: Method; args: unknown };
export type WireServerMessage =
  | { type: 'event'; event: ApiEvent }
  | { type: 'result'; id: number; response: Envelope<unknown> };

/** The typed API as async methods: what the views program against. */
export type EngineApi = { [M in Method]: (args: CallArgs<M>) => Promise<CallResult<M>> };

export interface EngineClient extends EngineApi {
  /** Subscribes to every event of the host; returns the unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
}

/** What a transport provides: send one call, subscribe to events. */
export interface Transport {
  call(method: Method, args: unknown): Promise<Envelope<unknown>>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
}

/** Builds an EngineClient over any transport; failed calls throw ApiError. */
export function createClient(transport: Transport): EngineClient {
  const client: Record<string, unknown> = {
    onEvent: (listener: (event: ApiEvent) => void) => transport.subscribe(listener),
  };
  for (const method of METHODS) {
    client[method] = async (args: unknown) => unwrap(await transport.call(method, args ?? {}));
  }
  return Object.freeze(client) as unknown as EngineClient;
}

export function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.result;
  const { code, message, where } = envelope.error;
  throw new ApiError(code, message, where);
}

/**
 * What Electron's preload exposes as `window[BRIDGE_GLOBAL]`: one function per method answering
 * an Envelope (class instances do not cross the context bridge), the event stream, and the path
 * of a dropped File (only the preload can learn it).
 */
export type ElectronBridge = { readonly [M in Method]: (args: CallArgs<M>) => Promise<Envelope<CallResult<M>>> } & {
  onEvent(listener: (event: ApiEvent) => void): () => void;
  pathForFile(file: unknown): string;
};

/** A Transport over the Electron bridge (the renderer's desktop entry uses this). */
export function bridgeTransport(bridge: ElectronBridge): Transport {
  return {
    call: (method, args) => (bridge[method] as (a: unknown) => Promise<Envelope<unknown>>)(args),
    subscribe: (listener) => bridge.onEvent(listener),
  };
}
