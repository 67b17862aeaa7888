import fc from 'fast-check';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERROR_CODES, ApiError, METHODS, type CallArgs, type Method } from '../../src-core/api/contract.ts';
import { validateArgs } from '../../src-core/api/validate.ts';
import { createDemoStore } from '../../src-main/host/demo-store.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { inProcess, persistentPair, tempDir } from './fixtures.ts';

/**
 * The boundary trusts nobody: random values for every method's arguments give a typed error or a
 * result, never a crash of the service, and the stores stay consistent whatever was called.
 */

/** Each method's fields; the mapped type makes the compiler hold this list to the contract. */
type AnyKey<T> = T extends unknown ? (string extends keyof T ? never : keyof T) : never; // Empty args have no keys
const FIELDS: { [M in Method]: AnyKey<CallArgs<M>>[] } = {
  hello: [],
  listDevices: ['dir'],
  discoverPairs: [],
  dmTable: ['session', 'snapshot', 'name'],
  recentStores: [],
  createDemo: ['dir'],
  pickPath: ['kind'],
  browse: ['dir'],
  liveSnapshots: ['hosts'],
  open: ['cow', 'origin', 'write', 'live'],
  openStart: ['cow', 'origin', 'write', 'live'],
  close: ['session'],
  sessions: [],
  info: ['session'],
  reload: ['session'],
  treeRoot: ['session'],
  treeBlock: ['session', 'chunk'],
  pathTo: ['session', 'key'],
  leafDetail: ['session', 'chunk'],
  occupancy: ['session', 'start', 'end', 'buckets', 'bySnapshot'],
  chunkInfo: ['session', 'chunk'],
  readChunk: ['session', 'from', 'chunk'],
  areas: ['session'],
  exceptionTable: ['session', 'offset', 'limit', 'sort', 'descending', 'originFrom', 'originTo'],
  snapshotCreate: ['session', 'name', 'slot'],
  snapshotDelete: ['session', 'snapshot'],
  snapshotRename: ['session', 'snapshot', 'name'],
  writeChunk: ['session', 'to', 'chunk', 'fill'],
  randomWrites: ['session', 'to', 'count', 'seed', 'commitEvery'],
  writeData: ['session', 'to', 'offset', 'data'],
  mergeAbandon: ['session'],
  check: ['session', 'cow'],
  stats: ['session', 'cow'],
  dump: ['session', 'cow', 'format', 'maxBytes'],
  merge: ['session', 'snapshot', 'dryRun', 'batchChunks'],
  repair: ['session', 'cow', 'out'],
  restore: ['session', 'cow', 'dump', 'dumpText', 'dataFrom', 'metadataOnly', 'force', 'backup', 'dryRun'],
  jobs: [],
  jobPause: ['job'],
  jobResume: ['job'],
  jobCancel: ['job'],
  jobWait: ['job'],
};

/** `$NAME` placeholders become the live session ids, store paths and job ids at call time. */
const PLACEHOLDERS = ['$P', '$S', '$P_COW', '$P_ORIGIN', '$S_COW', '$S_ORIGIN', '$JOB'];
// Relative names only (the test runs in a temp directory): createDemo and open touch the files they name.
const name = fc.string({ maxLength: 10 }).filter((s) => !s.includes('/') && !s.startsWith('..'));
const garbage = fc.oneof(
  fc.constantFrom(...PLACEHOLDERS),
  fc.constantFrom(-1, 2 ** 32, 2 ** 53, -0, 0.5, Number.NaN, Infinity, '', '0x1', true, null, [], {}),
  name,
  fc.jsonValue({ maxDepth: 2 }),
);
const upTo = (max: number) => fc.integer({ min: 0, max });
const view = fc.constantFrom<string | number>('origin', 'snap', 'base', 'nightly', 'before-upgrade', 'after-upgrade', 0, 1, 2, 3, 5);
/** Values a real client would send, field by field: they get past the shape check into the handlers. */
const TYPED: { [F in AnyKey<CallArgs<Method>>]: fc.Arbitrary<unknown> } = {
  session: fc.constantFrom('$P', '$S'),
  chunk: upTo(4200),
  key: upTo(2100),
  start: upTo(4200),
  end: upTo(4200),
  buckets: fc.integer({ min: 1, max: 5000 }),
  bySnapshot: fc.boolean(),
  from: view,
  to: view,
  snapshot: view,
  name,
  slot: upTo(63),
  fill: upTo(255),
  count: fc.integer({ min: 1, max: 50 }),
  seed: upTo(1000),
  commitEvery: fc.integer({ min: 1, max: 20 }),
  cow: fc.constantFrom('$P_COW', '$S_COW', '$P_ORIGIN'),
  origin: fc.constantFrom('$P_ORIGIN', '$S_ORIGIN'),
  write: fc.boolean(),
  dir: fc.constantFrom('demo-a', 'demo-b', '.', '~'), // few: each new one costs a demo store
  kind: fc.constantFrom('image', 'device', 'directory'),
  format: fc.constantFrom('json', 'xml'),
  maxBytes: fc.integer({ min: 1, max: 100_000 }),
  offset: upTo(100),
  limit: upTo(100),
  sort: fc.constantFrom('entry', 'origin', 'chunk'),
  descending: fc.boolean(),
  originFrom: upTo(300),
  originTo: upTo(300),
  job: fc.constant('$JOB'),
  dryRun: fc.boolean(),
  batchChunks: fc.integer({ min: 1, max: 300 }),
  data: fc.uint8Array({ minLength: 1, maxLength: 9000 }).map((b) => Buffer.from(b).toString('base64')),
  out: fc.constantFrom('repaired-a.cow', 'repaired-b.cow'),
  // No dump that parses: a restore must refuse before its first write (a real restore is tests/main/restore-call.test.ts).
  dump: fc.constantFrom('no-such.dump', '$S_COW'),
  dumpText: fc.constantFrom('{', '<snapscope-dump>', 'x'),
  dataFrom: fc.constantFrom('$S_COW', '$P_COW'),
  metadataOnly: fc.boolean(),
  force: fc.boolean(),
  backup: fc.constantFrom('backup-a', 'backup-b'),
  hosts: fc.constant([]), // this host only: the fuzz reaches no other machine
  live: fc.constant({}), // likewise
  host: fc.constant(undefined), // likewise (listDevices lists no host field here)
};
const field = (f: keyof typeof TYPED): fc.Arbitrary<unknown> => fc.oneof({ weight: 20, arbitrary: TYPED[f] }, { weight: 1, arbitrary: garbage }, { weight: 2, arbitrary: fc.constant(undefined) });
/** Mostly the method's own fields with plausible values, sometimes anything at all. */
const argsFor = (m: Method): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.record(Object.fromEntries(FIELDS[m].map((f) => [f, field(f)]))) },
    { weight: 1, arbitrary: fc.dictionary(name, garbage, { maxKeys: 3 }) },
    { weight: 1, arbitrary: fc.anything() },
  );
const call = fc.constantFrom(...METHODS).chain((m) => argsFor(m).map((args) => ({ method: m, args })));

it('validators: any value is accepted as the method asks, or refused with bad-request naming the field', () => {
  fc.assert(
    fc.property(call, ({ method, args }) => {
      try {
        const valid = validateArgs(method, args) as Record<string, unknown>;
        for (const key of Object.keys(valid)) expect(FIELDS[method]).toContain(key);
      } catch (e) {
        expect(e).toBeInstanceOf(ApiError);
        expect((e as ApiError).code).toBe('bad-request');
        expect(typeof (e as ApiError).where.field).toBe('string');
      }
    }),
    { numRuns: 5000 },
  );
});

describe('the service over real stores', () => {
  let service: EngineService;
  let dir: string;
  const cwd = process.cwd();
  const paths: Record<string, string> = {};

  beforeAll(() => {
    dir = tempDir();
    process.chdir(dir);
    const p = persistentPair(dir);
    const demo = createDemoStore(`${dir}/demo`);
    Object.assign(paths, { $P_COW: p.cow, $P_ORIGIN: p.origin, $S_COW: demo.cow, $S_ORIGIN: demo.origin });
    service = inProcess(`${dir}/data`).service;
  });
  afterAll(async () => {
    await service?.dispose();
    process.chdir(cwd);
  });

  /** The session on `cow`, opened for write with its origin when a call closed it. */
  async function sessionOf(cow: string, origin: string): Promise<string> {
    const open = [...service.context.sessions.values()].find((s) => s.cowPath === cow);
    if (open) return open.id;
    const r = await service.call('open', { cow, origin, write: true });
    if (!r.ok) throw new Error(`reopen ${cow}: ${r.error.message}`);
    return (r.result as { session: string }).session;
  }

  async function resolve(args: unknown): Promise<unknown> {
    if (args === null || typeof args !== 'object' || Array.isArray(args)) return args;
    const live: Record<string, string> = {
      ...paths,
      $P: await sessionOf(paths['$P_COW']!, paths['$P_ORIGIN']!),
      $S: await sessionOf(paths['$S_COW']!, paths['$S_ORIGIN']!),
      $JOB: service.context.jobs.list().at(-1)?.id ?? 'job-0',
    };
    return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, typeof v === 'string' && v in live ? live[v] : v]));
  }

  it('every call answers an envelope (a result, or a typed error that is not a crash), and the stores stay consistent', async () => {
    await fc.assert(
      fc.asyncProperty(call, async ({ method, args }) => {
        const r = await service.call(method, await resolve(args));
        expect(JSON.parse(JSON.stringify(r))).toBeTypeOf('object'); // JSON-safe for every transport
        if (!r.ok) {
          expect(API_ERROR_CODES, `${method} ${JSON.stringify(args)}: ${r.error.code} ${r.error.message}`).toContain(r.error.code);
          expect(r.error.code, `${method} ${JSON.stringify(args)}: ${r.error.message}`).not.toBe('internal');
          expect(r.error.message).toBeTypeOf('string');
        }
        await service.context.jobs.cancelAll(); // long jobs stop between slices: safe by design
      }),
      { numRuns: 600 },
    );
    for (const [cow, origin] of [['$P_COW', '$P_ORIGIN'], ['$S_COW', '$S_ORIGIN']] as const) {
      const session = await sessionOf(paths[cow]!, paths[origin]!);
      const job = await service.call('check', { session });
      const end = job.ok ? await service.call('jobWait', { job: (job.result as { id: string }).id }) : job;
      expect(end).toMatchObject({ ok: true, result: { state: 'done', result: { clean: true } } });
    }
    expect(fs.existsSync(paths['$S_COW']!)).toBe(true);
  });
});
