import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSnapshotStatus, parseSnapshotTable } from '../../../src-core/live/dm-target.ts';
import { watchedTargets } from '../../../src-core/live/snapshot-watch.ts';
import { FillTracker } from '../../../src-core/live/fill-tracker.ts';
import { MergeTracker } from '../../../src-core/live/merge-tracker.ts';
import { Fixture } from '../persistent/kernel-fixtures.ts';

const TOTAL = 1 << 21;

describe('fill rate and time to overflow', () => {
  it('a steady writer: the rate is its rate and the ETA the time the room lasts at it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4096 }), // sectors per second
        fc.array(fc.integer({ min: 50, max: 30_000 }), { minLength: 2, maxLength: 40 }), // poll gaps (ms)
        (rate, gaps) => {
          const t = new FillTracker(8, 80);
          let at = 0;
          let est = t.add(at, { allocated: 16, total: TOTAL, metadata: 16 });
          expect(est.chunksPerMinute).toBeNull();
          for (const gap of gaps) {
            at += gap;
            const allocated = Math.min(TOTAL, 16 + Math.round((rate * at) / 1000));
            est = t.add(at, { allocated, total: TOTAL, metadata: 16 });
          }
          const allocated = Math.min(TOTAL, 16 + Math.round((rate * at) / 1000));
          if (allocated === TOTAL) return;
          // Rounding to whole sectors per poll bounds the error of each instant rate.
          const slack = 1000 / Math.min(...gaps) + 1e-9;
          expect(Math.abs(((est.chunksPerMinute ?? NaN) * 8) / 60 - rate)).toBeLessThanOrEqual(slack);
          expect(est.warn).toBe(est.percent >= 80);
          // Polls too close to see one whole sector measure no growth: then there is no ETA.
          if (est.chunksPerMinute === 0) expect(est.secondsToOverflow).toBeNull();
          else expect(est.secondsToOverflow).toBeCloseTo((TOTAL - allocated) / (((est.chunksPerMinute ?? 0) * 8) / 60), 6);
        },
      ),
      { examples: [[1, [50, 50]]] }, // once failed: 1 sector/s seen over 100 ms
    );
  });

  it('no growth means no ETA; a new COW resets the rate; new chunks are counted per poll', () => {
    const t = new FillTracker(8);
    t.add(0, { allocated: 100 * 8, total: TOTAL, metadata: 16 });
    expect(t.add(1000, { allocated: 100 * 8, total: TOTAL, metadata: 16 }).secondsToOverflow).toBeNull();
    expect(t.add(2000, { allocated: 103 * 8, total: TOTAL, metadata: 16 }).newChunks).toBe(3);
    const after = t.add(3000, { allocated: 16, total: TOTAL, metadata: 16 });
    expect([after.chunksPerMinute, after.newChunks, after.percent]).toEqual([null, 0, 0]);
  });
});

describe('following a kernel merge', () => {
  it('percent never falls, and the merge is finished exactly when allocated reaches metadata', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 30 }), (steps) => {
        const m = new MergeTracker(8);
        let allocated = 16 + steps.reduce((a, b) => a + b, 0);
        let last = -1;
        let est = m.add(0, { allocated, total: TOTAL, metadata: 16 });
        for (const [i, s] of steps.entries()) {
          expect(est.finished).toBe(allocated === 16);
          expect(est.percent).toBeGreaterThanOrEqual(last);
          last = est.percent;
          allocated -= s;
          est = m.add((i + 1) * 1000, { allocated, total: TOTAL, metadata: 16 });
        }
        expect(est.finished).toBe(true);
        expect(est.percent).toBe(100);
        expect(est.secondsLeft).toBe(0);
      }),
    );
  });

  it("ends on the real kernel's merge status lines", () => {
    const f = new Fixture('p-merge-full');
    const polled = f.status.filter((r) => r.phase === 'merge-full' && r.what === 'dmsetup status origin' && r.value.includes('snapshot-merge'));
    expect(polled.length).toBeGreaterThan(0);
    const m = new MergeTracker(8);
    const ests = polled.map((r, i) => m.add(i * 20, parseSnapshotStatus(r.value).usage!));
    expect(ests.at(-1)).toMatchObject({ finished: true, percent: 100 });
  });
});

describe('which discovered targets a watch follows', () => {
  it('snapshots and merges with a status, with their chunk size; never an origin or a target without status', () => {
    const found = [
      { name: 'vg-lv', table: parseSnapshotTable('0 16384 snapshot-origin 254:0'), status: null },
      { name: 'vg-snap', table: parseSnapshotTable('0 16384 snapshot 254:0 254:1 P 16'), status: parseSnapshotStatus('0 16384 snapshot 48/2048 16') },
      { name: 'vg-gone', table: parseSnapshotTable('0 16384 snapshot 254:0 254:2 P 8'), status: null },
      { name: 'vg-merge', table: parseSnapshotTable('0 16384 snapshot-merge 254:0 254:3 P 8'), status: parseSnapshotStatus('0 16384 snapshot-merge Invalid') },
    ];
    expect(watchedTargets(found)).toEqual([
      { name: 'vg-snap', kind: 'snapshot', chunkSectors: 16, status: { state: 'active', usage: { allocated: 48, total: 2048, metadata: 16 } } },
      { name: 'vg-merge', kind: 'snapshot-merge', chunkSectors: 8, status: { state: 'Invalid' } },
    ]);
  });
});
