/**
 * The demo volume: a deterministic sample (same bytes every run) for the UI, the CLI's `demo`
 * command and people trying snapscope. 512-byte chunks keep leaves and nodes small, so a few
 * hundred writes show leaf splits, node splits, a multi-level tree, shared and unique exceptions
 * and a deleted snapshot. Pure: it only reads and writes the two devices it is given.
 */
import { SnapscopeError } from './errors.ts';
import type { BlockDevice } from './io/block-device.ts';
import { SharedStore } from './shared/index.ts';

export const DEMO_CHUNK_BYTES = 512;
export const DEMO_ORIGIN_BYTES = 1 << 20;
export const DEMO_COW_BYTES = 2 << 20;
/** 2024-01-01T00:00:00Z; snapshot k is created k days later. */
const EPOCH = 1704067200;
const DAY = 86400;

type Step =
  | { snapshot: string }
  | { delete: string }
  | { originWrites: number }
  | { snapshotWrites: number; to: string };

/** The history, in order; every origin write picks a chunk from a fixed pseudo-random sequence. */
const HISTORY: Step[] = [
  { snapshot: 'base' },
  { originWrites: 180 },
  { snapshot: 'nightly' },
  { originWrites: 150 },
  { snapshotWrites: 20, to: 'nightly' },
  { snapshot: 'before-upgrade' },
  { originWrites: 200 },
  { snapshot: 'experiment' },
  { originWrites: 40 },
  { snapshotWrites: 15, to: 'experiment' },
  { delete: 'experiment' },
  { snapshot: 'after-upgrade' },
  { originWrites: 60 },
  { snapshotWrites: 10, to: 'before-upgrade' },
];
const COMMIT_EVERY = 25;

export interface DemoSummary {
  snapshots: string[];
  exceptions: number;
  levels: number;
}

/** Writes the demo origin onto `origin` and the demo store onto `cow` (sizes: DEMO_*_BYTES). */
export function buildDemo(origin: BlockDevice, cow: BlockDevice): DemoSummary {
  if (origin.size !== DEMO_ORIGIN_BYTES || cow.size !== DEMO_COW_BYTES) {
    throw new SnapscopeError('usage', `the demo needs a ${DEMO_ORIGIN_BYTES}-byte origin and a ${DEMO_COW_BYTES}-byte COW`);
  }
  const cb = DEMO_CHUNK_BYTES;
  const chunks = DEMO_ORIGIN_BYTES / cb;
  for (let c = 0; c < chunks; c++) origin.write(c * cb, text(`origin chunk ${c}\n`));
  const store = SharedStore.format(cow, { chunkBytes: cb });
  const random = mulberry32(0x5eed);
  let day = 0;
  let ops = 0;
  let writes = 0;
  const tick = (): void => {
    if (++ops % COMMIT_EVERY === 0) store.commit();
  };
  for (const step of HISTORY) {
    if ('snapshot' in step) {
      store.createSnapshot({ name: step.snapshot, uuid: uuidFor(step.snapshot), created: EPOCH + day++ * DAY });
    } else if ('delete' in step) {
      store.deleteSnapshot(store.resolveSnapshot(step.delete));
    } else if ('originWrites' in step) {
      for (let i = 0; i < step.originWrites; i++, tick()) {
        const c = Math.floor(random() * chunks);
        store.writeOrigin(origin, c, text(`origin chunk ${c} write ${++writes}\n`));
      }
    } else {
      const slot = store.resolveSnapshot(step.to);
      for (let i = 0; i < step.snapshotWrites; i++, tick()) {
        const c = Math.floor(random() * chunks);
        store.writeSnapshot(origin, slot, c, text(`${step.to} chunk ${c} write ${++writes}\n`));
      }
    }
  }
  store.commit();
  const info = store.info();
  store.close();
  origin.flush();
  return { snapshots: info.snapshots.map((s) => s.name), exceptions: info.exceptions, levels: info.tree?.levels ?? 0 };
}

/** One chunk filled with `line` repeated (last copy cut), so every chunk says what it is. */
function text(line: string): Uint8Array {
  const out = new Uint8Array(DEMO_CHUNK_BYTES);
  for (let i = 0; i < out.length; i++) out[i] = line.charCodeAt(i % line.length);
  return out;
}

/** A version-4-shaped UUID derived from the name (FNV-1a), the same every run. */
function uuidFor(name: string): string {
  let hex = '';
  for (let round = 0; hex.length < 32; round++) {
    let h = 0x811c9dc5 ^ round;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
    hex += h.toString(16).padStart(8, '0');
  }
  const v = `${hex.slice(0, 12)}4${hex.slice(13, 16)}${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 32)}`;
  return `${v.slice(0, 8)}-${v.slice(8, 12)}-${v.slice(12, 16)}-${v.slice(16, 20)}-${v.slice(20)}`;
}

/** A small seeded PRNG, so the demo's write pattern never changes. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
