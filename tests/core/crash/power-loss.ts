/**
 * Shared pieces of the power-loss tests: crash points, fates, and the per-sector comparison of
 * what survived against the states a crash may leave (docs/format-shared.md § Crash guarantees).
 */
import { SECTOR_BYTES } from '../../../src-core/io/block-device.ts';
import type { SectorFate } from '../../../src-core/io/power-loss-device.ts';

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
