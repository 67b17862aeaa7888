import { describe, expect, it } from 'vitest';
import { isSnapscopeError } from '../../../src-core/errors.ts';
import { SECTOR_BYTES } from '../../../src-core/io/block-device.ts';
import { FaultDevice, type FaultPlan } from '../../../src-core/io/fault-device.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { readViewChunk } from '../../../src-core/view.ts';
import { dumpMetadata, Model, type Op } from './model.ts';
import { applyOp, type Volume } from './ops.ts';

const CHUNK = 1024; // two sectors: a torn block write keeps one
const ORIGIN = 48;
type Snaps = Map<number, Map<number, Uint8Array>>;

/** Snapshots, origin writes that split leaves, shared and private snapshot writes, delete, reopen. */
const workload: Op[] = [
  { kind: 'create' },
  { kind: 'origin', chunk: 0, count: 20, byte: 1 },
  { kind: 'create' },
  { kind: 'snap', pick: 0, chunk: 3, byte: 2, offset: 100, length: 900 },
  { kind: 'snap', pick: 0, chunk: 3, byte: 3, offset: 0, length: 600 },
  { kind: 'origin', chunk: 10, count: 30, byte: 4 },
  { kind: 'create' },
  { kind: 'snap', pick: 1, chunk: 12, byte: 5, offset: 0, length: 1024 },
  { kind: 'commit' },
  { kind: 'snap', pick: 1, chunk: 12, byte: 6, offset: 512, length: 512 },
  { kind: 'origin', chunk: 16, count: 24, byte: 7 },
  { kind: 'delete', pick: 0 },
  { kind: 'snap', pick: 2, chunk: 40, byte: 8, offset: 0, length: 1024 },
  { kind: 'commit' },
  { kind: 'reopen' },
  { kind: 'create' },
  { kind: 'origin', chunk: 5, count: 10, byte: 9 },
  { kind: 'delete', pick: 1 },
  { kind: 'commit' },
];

interface Reference {
  dumps: string[];
  /** Snapshot contents at each commit, and the op during which it happened. */
  commitStates: Snaps[];
  commitOp: number[];
  /** Snapshot contents after each op (what a write in flight may have reached). */
  afterOp: Snaps[];
  writes: number;
}

function formatted(): MemoryDevice {
  const inner = new MemoryDevice(CHUNK * 1024, 'cow');
  SharedStore.format(inner, { chunkBytes: CHUNK }).close();
  return inner;
}

/** Runs the workload on `cow`; `onCommit` is called right after each commit. */
function run(cow: FaultDevice, origin: MemoryDevice, onCommit: (op: number, model: Model) => void, onOp: (op: number, model: Model) => void): void {
  const model = new Model(CHUNK, ORIGIN);
  let current = 0;
  let v: Volume | null = null;
  const events = (e: { type: string }) => {
    if (e.type === 'commit' && v) onCommit(current, model);
  };
  const open = () => SharedStore.open(cow, { write: true, events });
  v = { store: open(), cow, origin, model, serial: 0, reopen: open };
  onCommit(-1, model);
  for (current = 0; current < workload.length; current++) {
    applyOp(v, workload[current]!);
    onOp(current, model);
  }
  v.store.close();
}

function reference(): Reference {
  const ref: Reference = { dumps: [], commitStates: [], commitOp: [], afterOp: [], writes: 0 };
  const inner = formatted();
  const cow = new FaultDevice(inner);
  run(
    cow,
    new MemoryDevice(CHUNK * ORIGIN, 'origin'),
    (op, model) => {
      // What the commit made durable, read from a copy of the device (a listener may not walk the store it hears).
      ref.dumps.push(dumpMetadata(SharedStore.open(new MemoryDevice(inner.bytes.slice(), 'cow'))));
      ref.commitStates.push(model.clone());
      ref.commitOp.push(op);
    },
    (_op, model) => ref.afterOp.push(model.clone()),
  );
  ref.writes = cow.writes;
  return ref;
}

/** Each sector of each snapshot chunk equals that sector in one of the allowed states. */
function dataProblem(store: SharedStore, origin: MemoryDevice, allowed: Snaps[]): string | null {
  const buf = new Uint8Array(CHUNK);
  for (const slot of allowed[0]!.keys()) {
    for (let c = 0; c < ORIGIN; c++) {
      readViewChunk(store, origin, slot, c, buf);
      for (let s = 0; s < CHUNK; s += SECTOR_BYTES) {
        const ok = allowed.some((state) => {
          const want = state.get(slot)?.get(c) ?? new Uint8Array(CHUNK);
          for (let i = s; i < s + SECTOR_BYTES; i++) if (buf[i] !== want[i]) return false;
          return true;
        });
        if (!ok) return `snapshot ${slot} chunk ${c} sector ${s / SECTOR_BYTES}: ${buf[s]} matches no allowed state`;
      }
    }
  }
  return null;
}

function crashAt(ref: Reference, plan: FaultPlan): void {
  const inner = formatted();
  const origin = new MemoryDevice(CHUNK * ORIGIN, 'origin');
  let commits = 0;
  let crashedOp = workload.length;
  let op = -1;
  try {
    run(
      new FaultDevice(inner, plan),
      origin,
      () => commits++,
      (i) => (op = i),
    );
  } catch (e) {
    if (!isSnapscopeError(e) || e.code !== 'crashed') throw e;
    crashedOp = op + 1;
  }
  const where = `crash at write ${plan.crashAtWrite} (torn ${plan.tornSectors ?? 'half'}), op ${crashedOp}, after ${commits} commits`;
  const store = SharedStore.open(inner);
  expect(store.verify().problems, where).toEqual([]);
  const dump = dumpMetadata(store);
  const matched = [commits - 1, commits].filter((j) => ref.dumps[j] === dump);
  expect(matched.length, `${where}: metadata is neither the last nor the next commit`).toBeGreaterThan(0);
  const problems = matched.map((j) => {
    // The op that committed may go on writing after its commit (an in-place write commits what is pending first).
    const from = ref.commitOp[j]!;
    const allowed = [ref.commitStates[j]!, ...ref.afterOp.slice(Math.max(0, from), crashedOp + 1)];
    return dataProblem(store, origin, allowed);
  });
  expect(problems.some((p) => p === null), `${where}: ${problems.join('; ')}`).toBe(true);
  // The survivor stays writable and sound.
  const writable = SharedStore.open(inner, { write: true });
  writable.createSnapshot({ name: 'after-crash' });
  writable.writeOrigin(origin, 1, new Uint8Array(CHUNK).fill(0xee));
  writable.close();
  expect(SharedStore.open(inner).verify().problems, where).toEqual([]);
}

describe('crash safety', () => {
  const ref = reference();

  it('the workload is long enough to matter', () => {
    expect(ref.dumps.length).toBeGreaterThan(20);
    expect(ref.writes).toBeGreaterThan(200);
  });

  it('survives power loss at every write, torn halfway', () => {
    for (let k = 1; k <= ref.writes; k++) crashAt(ref, { crashAtWrite: k });
  });

  it('survives power loss at every write, nothing of it written', () => {
    for (let k = 1; k <= ref.writes; k++) crashAt(ref, { crashAtWrite: k, tornSectors: 0 });
  });
});
