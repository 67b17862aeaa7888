import { describe, expect, it } from 'vitest';
import { BatchClock } from '../../../src-core/jobs/batch-clock.ts';

describe('BatchClock', () => {
  it('sizes the next batch to the target time at the throughput seen, within bounds', () => {
    let now = 0;
    const clock = new BatchClock(250, 1000, () => now);
    expect(clock.next(1, 1e12)).toBe(250_000);
    clock.lap(0);
    now += 1000; // 10 MB in a second: 10 000 bytes/ms
    clock.lap(10_000_000);
    expect(clock.next(1, 1e12)).toBe(Math.round(((1000 + 10_000) / 2) * 250));
    for (let i = 2; i < 30; i++) {
      now += 1000;
      clock.lap(i * 10_000_000);
    }
    expect(clock.next(1, 1e12)).toBeCloseTo(10_000 * 250, -4);
    expect(clock.next(1, 4096)).toBe(4096);
    expect(clock.next(1e7, 1e12)).toBe(1e7);
  });

  it('a slow disk shrinks the batches, so each stays near the target time', () => {
    let now = 0;
    const clock = new BatchClock(250, 100_000, () => now);
    let bytes = 0;
    clock.lap(bytes);
    for (let i = 0; i < 20; i++) {
      const batch = clock.next(1, 1e12);
      bytes += batch;
      now += batch / 500; // the disk does 500 bytes/ms
      clock.lap(bytes);
    }
    expect(clock.next(1, 1e12) / 500).toBeLessThan(300);
  });
});
