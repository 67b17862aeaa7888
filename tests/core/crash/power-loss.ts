/**
 * Shared pieces of the power-loss tests: crash points, fates, running work on a power-loss device,
 * in-place rewrites with their undo, and the per-sector comparison of what survived against the
 * states a crash may leave (docs/format-shared.md § Crash guarantees).
 */
import { isSnapscopeError } from '../../../src-core/errors.ts';
import { SECTOR_BYTES, type BlockDevice } from '../../../src-core/io/block-device.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { PowerLossDevice, PowerRail, type PowerLossPlan, type SectorFate } from '../../../src-core/io/power-loss-device.ts';
import { PersistentStore } from '../../../src-core/persistent/index.ts';
import { interruptedRewrite, writeBack, type SavedBytes } from '../../../src-core/persistent/restore-intent.ts';
import { BackupDevice } from '../../../src-core/repair/backup-device.ts';

/** Larger runs: CRASH_RUNS=50 npx vitest run tests/core/crash */
export const RUNS = Number(process.env.CRASH_RUNS ?? 0) || 3;

/** Every event, or an even spread of `max` of them (always the first and last); CRASH_POINTS=100000 for every event. */
export function crashPoints(events: number, fewest = 160): number[] {
  const max = Number(process.env.CRASH_POINTS ?? 0) || fewest;
  if (events <= max) return Array.from({ length: events }, (_, k) => k + 1);
  const out = new Set<number>([1, events]);
  for (let k = 0; k < max; k++) out.add(1 + Math.floor((k * (events - 1)) / (max - 1)));
  return [...out].sort((a, b) => a - b);
}

/** All sectors kept, none, and `randomSeeds` random choices (each seed keeps a different part). */
export function fates(randomSeeds = 1): { fate: SectorFate; seed: number }[] {
  return [{ fate: 'all', seed: 1 }, { fate: 'none', seed: 1 }, ...Array.from({ length: randomSeeds }, (_, k) => ({ fate: 'random' as const, seed: 7 + k }))];
}

export const FATES = fates();

export type Chunks = Map<number, Uint8Array>;

/**
 * Sector by sector, `got` (a view's chunk) equals that sector in one of `allowed` (the same view's
 * chunk in each state a crash may leave). Returns the first sector that matches none, or -1.
 */
export function sectorOutside(got: Uint8Array, allowed: readonly Uint8Array[]): number {
  for (let s = 0; s < got.length; s += SECTOR_BYTES) {
    const ok = allowed.some((want) => {
      for (let i = s; i < s + SECTOR_BYTES; i++) if (got[i] !== want[i]) return false;
      return true;
    });
    if (!ok) return s / SECTOR_BYTES;
  }
  return -1;
}

/** Runs `work` with power from a rail cut per `plan`; the simulated power loss (SnapscopeError 'crashed') is swallowed. */
export function onPowerRail(plan: PowerLossPlan | null, work: (rail: PowerRail) => void): { events: number; crashed: boolean } {
  const rail = new PowerRail(plan);
  try {
    work(rail);
  } catch (e) {
    if (!isSnapscopeError(e) || e.code !== 'crashed') throw e;
    return { events: rail.events, crashed: true };
  }
  return { events: rail.events, crashed: false };
}

/** Runs `work` on a power-loss device over `inner`, power cut per `plan`. */
export function crashing(inner: BlockDevice, plan: PowerLossPlan | null, work: (dev: PowerLossDevice) => void): { events: number; crashed: boolean } {
  return onPowerRail(plan, (rail) => work(new PowerLossDevice(inner, rail)));
}

/** Copies of a COW and an origin image, `work` run on them through power-loss devices on one rail (they fail together). */
export function crashingVolume(img: { cow: Uint8Array; origin: Uint8Array }, plan: PowerLossPlan | null, work: (cow: PowerLossDevice, origin: PowerLossDevice) => void) {
  const cow = new MemoryDevice(img.cow.slice(), 'cow');
  const origin = new MemoryDevice(img.origin.slice(), 'origin');
  const run = onPowerRail(plan, (rail) => work(new PowerLossDevice(cow, rail), new PowerLossDevice(origin, rail)));
  return { cow, origin, ...run };
}

/** The undo file in-place rewrites under test write into the intent header. */
export const UNDO = { path: '/undo/file', id: new Uint8Array(16).fill(0xa5) };

/**
 * An in-place rewrite (restore or repair with `{ undo: UNDO }`) of a copy of `image` through a
 * BackupDevice, power lost per `plan`. The saves are durable, as the CLI fsyncs each one before its write.
 */
export function rewriteCrashing(image: Uint8Array, plan: PowerLossPlan | null, rewrite: (dev: BlockDevice) => void): { cow: MemoryDevice; events: number; saved: SavedBytes[] } {
  const cow = new MemoryDevice(image.slice(), 'cow');
  const saved: SavedBytes[] = [];
  const { events } = crashing(cow, plan, (dev) => rewrite(new BackupDevice(dev, (offset, bytes) => saved.push({ offset, bytes: bytes.slice() }))));
  return { cow, events, saved };
}

/** The next open for writing: undoes an interrupted rewrite (as src-main/host/access/interrupted-rewrite.ts does), power lost per `plan`. */
export function settle(cow: MemoryDevice, saved: readonly SavedBytes[], plan: PowerLossPlan | null = null): { events: number; crashed: boolean } {
  if (interruptedRewrite(cow) === null) return { events: 0, crashed: false };
  return crashing(cow, plan, (dev) => writeBack(dev, saved));
}

/**
 * A persistent store with `exceptions` origin writes, to chunk (k × stride) mod originChunks, each
 * chunk filled with k + 1: `cowChunks` chunks of `chunkBytes`.
 */
export function persistentImage(o: { chunkBytes: number; cowChunks: number; originChunks: number; exceptions: number; stride: number }): MemoryDevice {
  const cow = new MemoryDevice(o.chunkBytes * o.cowChunks, 'cow');
  const origin = new MemoryDevice(o.chunkBytes * o.originChunks, 'origin');
  PersistentStore.format(cow, { chunkBytes: o.chunkBytes });
  const s = PersistentStore.open(cow, { write: true });
  for (let k = 0; k < o.exceptions; k++) s.writeOrigin(origin, (k * o.stride) % o.originChunks, new Uint8Array(o.chunkBytes).fill(k + 1));
  s.close();
  return cow;
}

/** A persistent store's exception table as text, to compare states. */
export function tableText(cow: BlockDevice): string {
  return JSON.stringify(PersistentStore.open(cow).exceptionTable(), (_k, v) => (ArrayBuffer.isView(v) ? [...(v as Float64Array)] : v));
}
