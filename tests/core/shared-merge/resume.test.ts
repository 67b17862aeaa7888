/**
 * Cancel, pause and resume: between batches the store is consistent, the merge stays recorded
 * (info and open say so), the snapshot keeps its full view, and the next merge finishes it.
 */
import { describe, expect, it } from 'vitest';
import { Job } from '../../../src-core/jobs/job.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { createSharedMerge, planSharedMerge } from '../../../src-core/shared/merge/index.ts';
import type { Op } from '../shared/model.ts';
import { expectMerged, newVolume, replay, viewProblem, views } from './volume.ts';

const CHUNK = 512;
const ORIGIN = 300;
// Batches of 16 chunks copied onto the origin 5 chunks per step: a cancel may land inside a batch.
const OPTS = { batchBytes: 16 * CHUNK, maxIoBytes: 5 * CHUNK };

const history: Op[] = [
  { kind: 'create' },
  { kind: 'origin', chunk: 0, count: 200, byte: 1 },
  { kind: 'create' },
  { kind: 'snap', pick: 0, chunk: 250, byte: 9, offset: 0, length: CHUNK },
  { kind: 'origin', chunk: 100, count: 150, byte: 2 },
  { kind: 'create' },
];

/** A job whose clock advances one tick per reading, so each slice runs about one batch. */
function tickingJob(task: ReturnType<typeof createSharedMerge>, onDone: (done: number, job: Job<unknown>) => void): Job<unknown> {
  let t = 0;
  const job: Job<unknown> = new Job(task, { clock: () => t++, sliceMs: 3, reportEveryMs: 0, onProgress: (p) => onDone(p.done, job) });
  return job;
}

describe('shared merge: cancel, pause, resume', () => {
  it('a cancelled merge stays recorded, keeps every view, refuses conflicting writes, and resumes', async () => {
    const v = newVolume(CHUNK, 4096, ORIGIN);
    replay(v, history);
    const slot = 0;
    const before = views(v.model);
    const total = planSharedMerge(v.store, v.origin, slot, OPTS).chunks;
    const job = tickingJob(createSharedMerge(v.store, v.origin, slot, OPTS), (done, j) => {
      if (done >= 40 && j.state === 'running') j.cancel();
    });
    await expect(job.run()).rejects.toMatchObject({ code: 'cancelled' });
    expect(job.state).toBe('cancelled');
    v.store.close();

    const store = SharedStore.open(v.cow, { write: true });
    const rec = store.mergeRecord()!;
    expect(rec.slot).toBe(slot);
    expect(rec.done).toBeGreaterThan(0);
    expect(rec.done).toBeLessThan(total);
    const info = store.info();
    expect(info.merge).toEqual({ slot, done: rec.done, total, originUntouched: false });
    expect(info.header).toMatchObject({ merge_slot: slot, merge_done: rec.done, merge_cursor: rec.cursor });
    expect(info.notes.join('\n')).toMatch(/merge of snapshot 0 .* in progress: \d+ chunks merged, \d+ to go; the origin is part rolled back/);
    for (const [s, view] of before) expect(viewProblem(store, v.origin, s, view, ORIGIN)).toBeNull();
    // Part rolled back: below the cursor the origin already reads as the snapshot.
    expect(viewProblem(store, v.origin, 'origin', before.get(slot)!, rec.cursor)).toBeNull();
    expect(viewProblem(store, v.origin, 'origin', before.get(slot)!, ORIGIN)).not.toBeNull();

    const refused = (f: () => unknown) => expect(f).toThrow(expect.objectContaining({ code: 'usage', message: expect.stringMatching(/snapshot 0 is being merged/) }));
    refused(() => store.writeOrigin(v.origin, 5, new Uint8Array(CHUNK)));
    refused(() => store.writeSnapshot(v.origin, slot, 5, new Uint8Array(CHUNK)));
    refused(() => store.deleteSnapshot(slot));
    expect(() => createSharedMerge(store, v.origin, 1, OPTS)).toThrow(expect.objectContaining({ code: 'usage', message: expect.stringMatching(/merge of snapshot 0 .* in progress/) }));

    // A snapshot taken now sees the part-merged origin, and keeps seeing it.
    const late = store.createSnapshot({ name: 'late' }).slot;
    const lateView = new Map<number, Uint8Array>();
    for (let c = 0; c < ORIGIN; c++) {
      const b = new Uint8Array(CHUNK);
      v.origin.read(c * CHUNK, b);
      lateView.set(c, b);
    }
    before.set(late, lateView);
    store.commit();

    expect(planSharedMerge(store, v.origin, slot, OPTS).resumes).toEqual(rec);
    const result = runToEnd(createSharedMerge(store, v.origin, slot, OPTS));
    expect(result.chunks).toBe(total - rec.done);
    expect(result.summary[0]).toContain(`${rec.done} chunks merged before`);
    expectMerged(store, v.cow, v.origin, before, slot, ORIGIN);
    expect(store.info().merge).toBeNull();
  });

  it('pause holds the merge between batches; resume finishes it', async () => {
    const v = newVolume(CHUNK, 4096, ORIGIN);
    replay(v, history);
    const before = views(v.model);
    let pausedAt = -1;
    let record: ReturnType<typeof v.store.mergeRecord> = null;
    let problems: string[] = ['not paused'];
    const job = tickingJob(createSharedMerge(v.store, v.origin, 1, OPTS), (done, j) => {
      if (pausedAt < 0 && done > 0) {
        j.pause();
        pausedAt = done;
        setTimeout(() => {
          // Paused: the store is consistent and says a merge is in progress (the batch in flight is not counted yet).
          record = v.store.mergeRecord();
          problems = v.store.verify().problems;
          j.resume();
        }, 5);
      }
    });
    await job.run();
    expect(pausedAt).toBeGreaterThan(0);
    expect(record!.slot).toBe(1);
    expect(record!.done).toBeLessThanOrEqual(pausedAt);
    expect(problems).toEqual([]);
    expect(job.state).toBe('done');
    expectMerged(v.store, v.cow, v.origin, before, 1, ORIGIN);
  });
});
