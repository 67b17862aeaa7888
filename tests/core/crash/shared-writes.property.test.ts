/**
 * Power loss at every write and every flush of random shared-store workloads — origin writes,
 * snapshot writes (with the unshare-then-write pair of issue #12 point 1), deletes that pause on a
 * nearly full COW, commits — with the volatile cache keeping all, none or a random part of what
 * was not flushed. Afterwards the store opens, checks clean, every snapshot reads, sector by
 * sector, as after the last or the next commit (or an operation between them: in-place writes
 * since the last commit, docs/format-shared.md § Crash guarantees), the origin as the durable
 * state implies, and it takes writes again.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTask } from '../../../src-core/check/check.ts';
import { isSnapscopeError } from '../../../src-core/errors.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { PowerLossDevice, PowerRail, type PowerLossPlan } from '../../../src-core/io/power-loss-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { DELETING_FLAG, SharedStore } from '../../../src-core/shared/shared-store.ts';
import { readViewChunk } from '../../../src-core/view.ts';
import { crashPoints, FATES, RUNS, sectorOutside, type Chunks } from './power-loss.ts';

const CHUNK = 1024; // two sectors: a chunk can be half written
const ORIGIN = 12;

type Op =
  | { kind: 'create' }
  | { kind: 'delete'; pick: number }
  | { kind: 'origin'; chunk: number; count: number; byte: number }
  | { kind: 'snap'; pick: number; chunk: number; byte: number; offset: number; length: number }
  /** Issue #12 point 1: B unshares a chunk it shares with A, then A writes it. */
  | { kind: 'pair'; a: number; b: number; chunk: number; byte: number }
  | { kind: 'commit' };

interface State {
  snaps: Map<number, Chunks>;
  origin: Chunks;
}

const clone = (s: State): State => ({ snaps: new Map([...s.snaps].map(([k, v]) => [k, new Map(v)])), origin: new Map(s.origin) });
const chunkOf = (m: Chunks | undefined, c: number) => m?.get(c) ?? new Uint8Array(CHUNK);

interface Trace {
  /** States at each commit (index 0: as opened) and the op during which it happened. */
  commits: { op: number; state: State }[];
  afterOp: State[];
  events: number;
}

interface Outcome {
  cow: MemoryDevice;
  origin: MemoryDevice;
  commits: number;
  /** The op running when the power failed (ops.length when it did not). */
  op: number;
}

function formatted(cowChunks: number): MemoryDevice {
  const cow = new MemoryDevice(CHUNK * cowChunks, 'cow');
  SharedStore.format(cow, { chunkBytes: CHUNK }).close();
  return cow;
}

/** Refusals that leave store and model unchanged. */
function refused(fn: () => void): boolean {
  try {
    fn();
    return false;
  } catch (e) {
    if (isSnapscopeError(e) && (e.code === 'no-space' || e.code === 'capacity' || e.code === 'usage')) return true;
    throw e;
  }
}

function apply(store: SharedStore, origin: PowerLossDevice, state: State, op: Op, serial: number): void {
  const active = [...state.snaps.keys()].sort((a, b) => a - b);
  const pick = (n: number) => active[n % active.length]!;
  const snapWrite = (slot: number, chunk: number, byte: number, offset: number, length: number) => {
    if (refused(() => store.writeSnapshot(origin, slot, chunk, new Uint8Array(length).fill(byte), offset))) return;
    const next = chunkOf(state.snaps.get(slot), chunk).slice();
    next.fill(byte, offset, offset + length);
    state.snaps.get(slot)!.set(chunk, next);
  };
  switch (op.kind) {
    case 'create':
      if (active.length >= 4) return;
      {
        // The lowest free slot is reused: the new snapshot is not always the last of the list.
        let slot = -1;
        if (refused(() => (slot = store.createSnapshot({ name: `s${serial}` }).slot))) return;
        state.snaps.set(slot, new Map(state.origin));
      }
      return;
    case 'delete': {
      if (!active.length) return;
      const slot = pick(op.pick);
      if (refused(() => store.deleteSnapshot(slot))) {
        // Refused part-way (no room to go on): the slot is half deleted; it reads nothing now.
        if ((store.header().extFlags & DELETING_FLAG) !== 0) state.snaps.delete(slot);
        return;
      }
      state.snaps.delete(slot);
      return;
    }
    case 'origin':
      for (let c = op.chunk; c < Math.min(ORIGIN, op.chunk + op.count); c++) {
        if (!refused(() => store.writeOrigin(origin, c, new Uint8Array(CHUNK).fill(op.byte)))) state.origin.set(c, new Uint8Array(CHUNK).fill(op.byte));
      }
      return;
    case 'snap':
      if (active.length) snapWrite(pick(op.pick), op.chunk, op.byte, op.offset, op.length);
      return;
    case 'pair':
      if (active.length < 2 || pick(op.a) === pick(op.b)) return;
      snapWrite(pick(op.b), op.chunk, op.byte, 0, CHUNK);
      snapWrite(pick(op.a), op.chunk, (op.byte + 1) & 255, 0, 512);
      return;
    case 'commit':
      store.commit();
      return;
  }
}

/** Runs `ops` from a formatted COW image; the rail's plan may cut the power. */
function run(image: Uint8Array, ops: readonly Op[], plan: PowerLossPlan | null, trace?: Trace): Outcome {
  const cowMem = new MemoryDevice(image.slice(), 'cow');
  const originMem = new MemoryDevice(CHUNK * ORIGIN, 'origin');
  const rail = new PowerRail(plan);
  const cow = new PowerLossDevice(cowMem, rail);
  const origin = new PowerLossDevice(originMem, rail);
  const state: State = { snaps: new Map(), origin: new Map() };
  let commits = 0;
  let op = -1;
  try {
    const store = SharedStore.open(cow, {
      write: true,
      events: (e) => {
        if (e.type !== 'commit') return;
        commits++;
        trace?.commits.push({ op, state: clone(state) });
      },
    });
    trace?.commits.push({ op: -1, state: clone(state) });
    for (op = 0; op < ops.length; op++) {
      apply(store, origin, state, ops[op]!, op);
      trace?.afterOp.push(clone(state));
    }
    store.close();
  } catch (e) {
    if (!isSnapscopeError(e) || e.code !== 'crashed') throw e;
    return { cow: cowMem, origin: originMem, commits, op };
  }
  if (trace) trace.events = rail.events;
  return { cow: cowMem, origin: originMem, commits, op: ops.length };
}

/** Why the survivor of a crash is not a state the guarantees allow, or null. */
function survivorProblem(trace: Trace, out: Outcome): string | null {
  const report = runToEnd(checkTask(out.cow));
  if (report.errors) return `check: ${report.findings.filter((f) => f.severity === 'error').map((f) => f.message).join('; ')}`;
  const store = SharedStore.open(out.cow);
  const problems = store.verify().problems;
  if (problems.length) return `verify: ${problems.join('; ')}`;
  const deleting = (store.header().extFlags & DELETING_FLAG) !== 0 ? store.header().extFlags & 63 : -1;
  const slots = store.snapshots().map((s) => s.slot).join();
  const buf = new Uint8Array(CHUNK);
  const why: string[] = [];
  // The durable state is the last commit's or, when the power failed inside the next one after its header, that one's.
  for (const j of [out.commits, out.commits + 1]) {
    const commit = trace.commits[j];
    if (!commit) continue;
    const states = [commit.state, ...trace.afterOp.slice(Math.max(0, commit.op), out.op + 1)];
    const want = [...commit.state.snaps.keys()];
    if (deleting >= 0 && !want.includes(deleting)) want.push(deleting);
    if (want.sort((a, b) => a - b).join() !== slots) {
      why.push(`commit ${j}: slots ${slots} vs ${want.join()}`);
      continue;
    }
    const bad = viewsOutside(store, out.origin, commit.state.snaps, states, deleting, buf);
    if (bad === null) return originOutside(out.origin, [trace.commits[out.commits]!.state, ...states], buf);
    why.push(`commit ${j}: ${bad}`);
  }
  return why.join(' | ');
}

function viewsOutside(store: SharedStore, origin: MemoryDevice, snaps: Map<number, Chunks>, states: State[], deleting: number, buf: Uint8Array): string | null {
  for (const slot of snaps.keys()) {
    if (slot === deleting) continue;
    for (let c = 0; c < ORIGIN; c++) {
      readViewChunk(store, origin, slot, c, buf);
      const allowed = states.filter((s) => s.snaps.has(slot)).map((s) => chunkOf(s.snaps.get(slot), c));
      const sector = sectorOutside(buf, allowed);
      if (sector >= 0) return `snapshot ${slot} chunk ${c} sector ${sector} reads ${buf[sector * 512]}, allowed ${allowed.map((a) => a[sector * 512]).join('/')}`;
    }
  }
  return null;
}

function originOutside(origin: MemoryDevice, states: State[], buf: Uint8Array): string | null {
  for (let c = 0; c < ORIGIN; c++) {
    origin.read(c * CHUNK, buf);
    const allowed = states.map((s) => chunkOf(s.origin, c));
    const sector = sectorOutside(buf, allowed);
    if (sector >= 0) return `origin chunk ${c} sector ${sector} reads ${buf[sector * 512]}, allowed ${allowed.map((a) => a[sector * 512]).join('/')}`;
  }
  return null;
}

/** The survivor takes writes again: a half-finished delete finishes, a snapshot and an origin write commit, all sound. */
function expectWritable(out: Outcome, where: string): void {
  const store = SharedStore.open(out.cow, { write: true });
  const h = store.header();
  if ((h.extFlags & DELETING_FLAG) !== 0) store.deleteSnapshot(h.extFlags & 63);
  if (store.snapshots().length < 64 && store.usage().freeChunks > 40) store.createSnapshot({ name: 'after' });
  store.writeOrigin(out.origin, 0, new Uint8Array(CHUNK).fill(0xee));
  store.close();
  expect(SharedStore.open(out.cow).verify().problems, where).toEqual([]);
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'create' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat(7) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('origin' as const), chunk: fc.nat(ORIGIN - 1), count: fc.integer({ min: 1, max: 4 }), byte: fc.integer({ min: 1, max: 255 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('snap' as const),
      pick: fc.nat(7),
      chunk: fc.nat(ORIGIN - 1),
      byte: fc.integer({ min: 1, max: 255 }),
      offset: fc.constantFrom(0, 100, 512),
      length: fc.constantFrom(300, 512, 924),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('pair' as const), a: fc.nat(7), b: fc.nat(7), chunk: fc.nat(ORIGIN - 1), byte: fc.integer({ min: 1, max: 254 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'commit' as const }) },
);

function crashEverywhere(cowChunks: number, ops: Op[]): void {
  const image = formatted(cowChunks).bytes;
  const trace: Trace = { commits: [], afterOp: [], events: 0 };
  run(image, ops, null, trace);
  for (const at of crashPoints(trace.events, 60)) {
    for (const { fate, seed } of FATES) {
      const out = run(image, ops, { crashAt: at, fate, seed });
      const where = `${JSON.stringify(ops)}: power lost at event ${at} of ${trace.events} (${fate}), op ${out.op}, ${out.commits} commits`;
      const problem = survivorProblem(trace, out);
      expect(problem, where).toBeNull();
      expectWritable(out, where);
    }
  }
}

describe('shared store writes under power loss', () => {
  it('the unshare-then-write pair of point 1 and an in-place write after a copy (point 2)', () => {
    crashEverywhere(256, [
      { kind: 'create' },
      { kind: 'create' },
      { kind: 'origin', chunk: 3, count: 2, byte: 9 },
      { kind: 'commit' },
      { kind: 'pair', a: 0, b: 1, chunk: 3, byte: 34 },
      { kind: 'snap', pick: 0, chunk: 7, byte: 2, offset: 0, length: 924 },
      { kind: 'snap', pick: 0, chunk: 3, byte: 3, offset: 512, length: 512 },
      { kind: 'delete', pick: 1 },
      { kind: 'snap', pick: 0, chunk: 4, byte: 5, offset: 0, length: 300 },
    ]);
  });

  it('random workloads on a roomy COW', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 4, maxLength: 14 }), (ops) => crashEverywhere(256, ops)),
      { numRuns: RUNS },
    );
  });

  it('random workloads on a nearly full COW (deletes pause, writes are refused)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 6, maxLength: 16 }), (ops) => crashEverywhere(40, ops)),
      { numRuns: RUNS },
    );
  });
});
