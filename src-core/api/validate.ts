/**
 * Runtime validation of every call's arguments. A renderer (or anything reaching the serve port
 * with the token) is not trusted: a wrong type, a missing field or an unknown field is a
 * 'bad-request' ApiError, never a crash. Range checks that need the store (chunk < chunkCount)
 * happen in the host, which knows the geometry.
 */
import type { CallArgs, Method } from './contract.ts';
import { ApiError } from './errors.ts';

type Check<T> = (value: unknown, field: string) => T;

function bad(field: string, what: string): never {
  throw new ApiError('bad-request', `${field}: expected ${what}`, { field });
}

const MAX_PATH = 4096;

const str: Check<string> = (v, f) => (typeof v === 'string' && v.length <= MAX_PATH ? v : bad(f, 'a string'));
const nonEmpty: Check<string> = (v, f) => (str(v, f).length > 0 ? (v as string) : bad(f, 'a non-empty string'));
const bool: Check<boolean> = (v, f) => (typeof v === 'boolean' ? v : bad(f, 'true or false'));
const natural: Check<number> = (v, f) => (Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : bad(f, 'a non-negative integer'));

function intIn(min: number, max: number): Check<number> {
  return (v, f) => (Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max ? (v as number) : bad(f, `an integer in ${min}..${max}`));
}

function oneOf<T extends string>(...values: T[]): Check<T> {
  return (v, f) => ((values as unknown[]).includes(v) ? (v as T) : bad(f, `one of ${values.join(', ')}`));
}

/** Base64 of at most 512 KiB (serve mode's bodies are 1 MiB at most). */
const MAX_DATA_CHARS = 4 * Math.ceil((512 << 10) / 3);
const base64: Check<string> = (v, f) => (typeof v === 'string' && v.length > 0 && v.length <= MAX_DATA_CHARS && /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0 ? v : bad(f, 'base64 data of 1 byte to 512 KiB'));

/** An uploaded dump: text of at most 768 KiB (serve mode's bodies are 1 MiB at most). */
const MAX_TEXT_CHARS = 768 << 10;
const text: Check<string> = (v, f) => (typeof v === 'string' && v.length > 0 && v.length <= MAX_TEXT_CHARS ? v : bad(f, 'text of 1 to 786432 characters'));

/** A device-mapper device name: what `dmsetup create` accepts and a shell shows as one word. */
const dmName: Check<string> = (v, f) => (typeof v === 'string' && /^[A-Za-z0-9_+.-]{1,127}$/.test(v) && v !== '.' && v !== '..' ? v : bad(f, 'a device-mapper name (letters, digits, _+.-)'));

/** [user@]host as ssh takes it; never an option. */
const sshTarget: Check<string> = (v, f) => (typeof v === 'string' && /^[A-Za-z0-9_.@:[\]-]{1,255}$/.test(v) && !v.startsWith('-') ? v : bad(f, '[user@]host'));

function listOf<T>(check: Check<T>, max: number): Check<T[]> {
  return (v, f) => (Array.isArray(v) && v.length <= max ? v.map((x, i) => check(x, `${f}[${i}]`)) : bad(f, `a list of at most ${max}`));
}

/** A snapshot: slot number, or name / UUID string. */
const snapshotRef: Check<number | string> = (v, f) => (typeof v === 'number' ? intIn(0, 63)(v, f) : nonEmpty(v, f));
/** 'origin' or a snapshot. */
const viewRef: Check<number | string> = snapshotRef;

/** Exactly one of fields `a` and `b` present (the contract types it as a union). */
function eitherOf<T>(check: Check<unknown>, a: string, b: string): Check<T> {
  return (v, f) => {
    const out = check(v, f) as Record<string, unknown>;
    if ((out[a] === undefined) === (out[b] === undefined)) bad(a, `${a} or ${b}, exactly one of them`);
    return out as T;
  };
}

type Shape = Record<string, Check<unknown>>;
type Parsed<S extends Shape, O extends Shape> = { [K in keyof S]: ReturnType<S[K]> } & { [K in keyof O]?: ReturnType<O[K]> };

/** An object with `required` and `optional` fields, and nothing else (undefined counts as absent). */
function object<S extends Shape, O extends Shape = Record<never, never>>(required: S, optional?: O): Check<Parsed<S, O>> {
  return (v, f) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) bad(f, 'an object');
    const input = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(input)) {
      if (!(key in required) && !(optional && key in optional)) bad(`${f}.${key}`, 'no such field');
    }
    for (const [key, check] of Object.entries(required)) out[key] = check(input[key], key);
    for (const [key, check] of Object.entries(optional ?? {})) if (input[key] !== undefined) out[key] = check(input[key], key);
    return out as Parsed<S, O>;
  };
}

const none = object({});
const session = { session: nonEmpty };
const job = object({ job: nonEmpty });
const MAX_BUCKETS = 1 << 20;
const inspectTarget = { session: nonEmpty, cow: nonEmpty };
const openArgs = object({ cow: nonEmpty }, { origin: nonEmpty, write: bool });

/** Every method's argument validator. */
export const VALIDATORS: { [M in Method]: Check<CallArgs<M>> } = {
  hello: none,
  listDevices: object({}, { dir: nonEmpty }),
  discoverPairs: none,
  dmTable: object(session, { snapshot: snapshotRef, name: dmName }),
  recentStores: none,
  createDemo: object({}, { dir: nonEmpty }),
  liveSnapshots: object({}, { hosts: listOf(sshTarget, 64) }),
  pickPath: object({ kind: oneOf('image', 'device', 'directory') }),
  browse: object({}, { dir: nonEmpty }),
  open: openArgs,
  openStart: openArgs,
  close: object(session),
  sessions: none,
  info: object(session),
  reload: object(session),
  treeRoot: object(session),
  treeBlock: object({ ...session, chunk: natural }),
  pathTo: object({ ...session, key: natural }),
  leafDetail: object({ ...session, chunk: natural }),
  occupancy: object({ ...session, start: natural, end: natural, buckets: intIn(1, MAX_BUCKETS) }, { bySnapshot: bool }),
  chunkInfo: object({ ...session, chunk: natural }),
  readChunk: object({ ...session, from: viewRef, chunk: natural }),
  areas: object(session),
  exceptionTable: object(
    { ...session, offset: natural, limit: intIn(0, 100_000) },
    { sort: oneOf('entry', 'origin', 'chunk'), descending: bool, originFrom: natural, originTo: natural },
  ),
  snapshotCreate: object(session, { name: nonEmpty, slot: intIn(0, 63) }),
  snapshotDelete: object({ ...session, snapshot: snapshotRef }),
  snapshotRename: object({ ...session, snapshot: snapshotRef, name: nonEmpty }),
  writeChunk: object({ ...session, to: viewRef, chunk: natural, fill: intIn(0, 255) }),
  randomWrites: object({ ...session, to: viewRef, count: intIn(1, 10_000_000) }, { seed: natural, commitEvery: intIn(1, 1_000_000) }),
  writeData: object({ ...session, to: viewRef, offset: natural, data: base64 }),
  mergeAbandon: object(session),
  check: eitherOf(object({}, inspectTarget), 'session', 'cow'),
  stats: eitherOf(object({}, inspectTarget), 'session', 'cow'),
  dump: eitherOf(object({}, { ...inspectTarget, format: oneOf('json', 'xml'), maxBytes: intIn(1, 1 << 30) }), 'session', 'cow'),
  // The engine caps a batch at 2^16 chunks, so a larger ask is a mistake, not a wish.
  merge: object({ ...session, snapshot: snapshotRef }, { dryRun: bool, batchChunks: intIn(1, 1 << 16) }),
  repair: eitherOf(object({ out: nonEmpty }, inspectTarget), 'session', 'cow'),
  restore: (v, f) => {
    const out = eitherOf<CallArgs<'restore'>>(
      object({}, { ...inspectTarget, dump: nonEmpty, dumpText: text, dataFrom: nonEmpty, metadataOnly: bool, force: bool, backup: nonEmpty, dryRun: bool }),
      'session',
      'cow',
    )(v, f);
    if ((out.dump === undefined) === (out.dumpText === undefined)) bad('dump', 'dump or dumpText, exactly one of them');
    return out;
  },
  jobs: none,
  jobPause: job,
  jobResume: job,
  jobCancel: job,
  jobWait: job,
};

/** Validates `args` for `method`; throws ApiError('bad-request'). */
export function validateArgs<M extends Method>(method: M, args: unknown): CallArgs<M> {
  return VALIDATORS[method](args ?? {}, 'args');
}
