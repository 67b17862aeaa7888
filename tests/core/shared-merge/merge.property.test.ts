import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventSink, StructuralEvent } from '../../../src-core/events.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { createSharedMerge, planSharedMerge } from '../../../src-core/shared/merge/index.ts';
import { expectReadsAgree } from '../shared/model.ts';
import { applyOp } from '../shared/ops.ts';
import { opArb } from '../shared/ops.ts';
import { expectMerged, newVolume, replay, views } from './volume.ts';
import { lateFlush } from '../persistent/model.ts';

const CHUNK = 512; // small chunks: a few hundred exceptions give the tree several levels
const ORIGIN_CHUNKS = 1200;
const COW_CHUNKS = 8192;

describe('shared merge against the model', () => {
  it('origin becomes the snapshot, the others keep their views, the snapshot is gone, nothing leaks', () => {
    const seen = new Map<StructuralEvent['type'], number>();
    const count: EventSink = (e) => seen.set(e.type, (seen.get(e.type) ?? 0) + 1);
    let deep = 0;
    let withOthers = 0;
    fc.assert(
      fc.property(
        fc.array(opArb(CHUNK, ORIGIN_CHUNKS, 200), { minLength: 10, maxLength: 50 }),
        fc.nat(),
        fc.constantFrom(1, 3, 16, 1000),
        fc.array(opArb(CHUNK, ORIGIN_CHUNKS, 200), { maxLength: 6 }),
        fc.boolean(),
        (ops, pick, batchChunks, after, overlap) => {
          const v = newVolume(CHUNK, COW_CHUNKS, ORIGIN_CHUNKS, count);
          replay(v, ops);
          const active = [...v.model.snaps.keys()].sort((a, b) => a - b);
          if (!active.length) return;
          const slot = active[pick % active.length]!;
          if (v.store.levels >= 2) deep++;
          const before = views(v.model);
          // With `overlap`, each batch's flush is waited for after the next batch's copies, as a background flush is, and still running at the first wait.
          const opts = { batchBytes: batchChunks * CHUNK, ...(overlap ? { startFlush: lateFlush(v.origin) } : {}) };
          const plan = planSharedMerge(v.store, v.origin, slot, opts);
          expect(plan.chunks).toBe(v.store.snapshots().find((s) => s.slot === slot)!.exceptions);
          if (plan.copies) withOthers++;
          const result = runToEnd(createSharedMerge(v.store, v.origin, slot, opts));
          expect(result).toMatchObject({ dryRun: false, slot, chunks: plan.chunks, bytes: plan.bytes });
          expectMerged(v.store, v.cow, v.origin, before, slot, ORIGIN_CHUNKS);

          // The merged store is an ordinary one: reopen it, keep working, agree with the model.
          v.model.origin = new Map(before.get(slot)!);
          v.model.snaps.delete(slot);
          v.store.close();
          v.store = v.reopen();
          expect(v.store.verify()).toEqual({ problems: [], leaked: [] });
          replay(v, after);
          expect(expectReadsAgree(v.store, v.origin, v.model.snaps, v.model)).toBeNull();
          expect(v.store.verify().problems).toEqual([]);
        },
      ),
      { numRuns: 150, seed: 20261121 },
    );
    // The workload must reach the interesting cases, or the property proves little.
    expect(deep).toBeGreaterThan(10);
    expect(withOthers).toBeGreaterThan(10);
    for (const kind of ['merge-origin-copy', 'merge-copy-to-origin', 'merge-clear', 'exception-free', 'exception-unshare', 'leaf-merge'] as const) {
      expect(seen.get(kind) ?? 0, kind).toBeGreaterThan(0);
    }
  });
});
