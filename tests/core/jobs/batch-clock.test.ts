import { describe, expect, it } from 'vitest';
import { BatchClock } from '../../../src-core/jobs/batch-clock.ts';

/** Runs batches on a simulated disk: `costMs(bytes)` per batch. Returns the batch sizes. */
function simulate(clock: BatchClock, now: { t: number }, costMs: (bytes: number) => number, batches: number): number[] {
  const sizes: number[] = [];
  let bytes = 0;
  clock.lap(bytes);
  for (let i = 0; i < batches; i++) {
    const b = clock.next(1, 1e12);
    sizes.push(b);
    bytes += b;
    now.t += costMs(b);
    clock.lap(bytes);
  }
  return sizes;
}

describe('BatchClock', () => {
  it('starts small and at most doubles, then holds batches near the target time', () => {
    const now = { t: 0 };
    const clock = new BatchClock(250, 1 << 20, () => now.t);
    const sizes = simulate(clock, now, (b) => b / 100_000, 30); // 100 MB/s
    expect(sizes[0]).toBe(1 << 20);
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]!).toBeLessThanOrEqual(2 * sizes[i - 1]!);
    expect(sizes.at(-1)! / 100_000).toBeGreaterThan(200);
    expect(sizes.at(-1)! / 100_000).toBeLessThan(300);
  });

  it('a fixed cost per batch (a commit) still converges below the target, never shrinking to nothing', () => {
    const now = { t: 0 };
    const clock = new BatchClock(250, 1 << 20, () => now.t);
    const cost = (b: number): number => 40 + b / 20_000; // 40 ms per commit, 20 MB/s
    const sizes = simulate(clock, now, cost, 40);
    expect(cost(sizes.at(-1)!)).toBeLessThan(300);
    expect(sizes.at(-1)!).toBeGreaterThan(1 << 20);
  });

  it('sizes the next batch from one the caller timed, as from a lap, and at most doubles it', () => {
    const clock = new BatchClock(200, 1 << 20, () => 0);
    clock.took(4 << 20, 400); // 4 MiB in 400 ms: 2 MiB fits 200 ms
    expect(clock.next(1, 1e12)).toBe(2 << 20);
    clock.took(1 << 20, 10); // fast, but at most twice the batch timed
    expect(clock.next(1, 1e12)).toBe(2 << 20);
    clock.took(0, 500); // nothing moved: nothing learnt
    expect(clock.next(1, 1e12)).toBe(2 << 20);
  });

  it('keeps within the bounds asked', () => {
    const clock = new BatchClock(250, 1 << 20, () => 0);
    expect(clock.next(1, 4096)).toBe(4096);
    expect(clock.next(1 << 21, 1e12)).toBe(1 << 21);
  });
});
