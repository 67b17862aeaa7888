import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { Job, runToEnd } from '../../../src-core/jobs/job.ts';
import type { StructuralEvent } from '../../../src-core/events.ts';
import { planPersistentMerge, PersistentStore } from '../../../src-core/persistent/index.ts';
import { Fixture } from './kernel-fixtures.ts';
import { same, snapshotImage } from './model.ts';

describe('persistent merge as a job', () => {
  const fx = new Fixture('p-multiarea-c8');

  it('dry run lists the kernel-order runs and changes nothing', () => {
    const cow = fx.device('cow', true);
    const origin = fx.device('origin', true);
    const plan = planPersistentMerge(PersistentStore.open(cow), origin);
    expect(plan.chunks).toBe(705);
    expect(plan.bytes).toBe(705 * 4096);
    expect(plan.runs.reduce((n, r) => n + r.count, 0)).toBe(705);
    expect(plan.runs[0]!.entry + plan.runs[0]!.count).toBe(705); // starts from the last exception
    expect(plan.summary[0]).toMatch(/would copy 705 chunks \(2887680 bytes\)/);
  });

  it('pauses, resumes and cancels between batches, leaving a consistent store; a re-run finishes it', async () => {
    const cow = fx.device('cow');
    const origin = fx.device('origin');
    const snapshot = fx.image('snapshot-view');
    let now = 0;
    const job = new Job(PersistentStore.open(cow, { write: true }).merge(origin, 0, { batchBytes: 4096 }), {
      clock: () => (now += 1),
      sliceMs: 5,
    });
    const running = job.run();
    job.pause();
    await new Promise((r) => setTimeout(r, 5));
    expect(job.state).toBe('paused');
    const paused = job.progress();
    expect(paused.done).toBeGreaterThan(0);
    expect(paused.done).toBeLessThan(705);
    expect(paused.current).toMatch(/^origin \d+/);
    expect(paused.bytes).toBe(paused.done * 4096);
    expect(same(snapshotImage(PersistentStore.open(cow), origin), snapshot)).toBe(true);
    job.resume();
    job.cancel();
    await expect(running).rejects.toMatchObject({ code: 'cancelled' });
    const reopened = PersistentStore.open(cow, { write: true });
    expect(reopened.exceptions).toBeLessThan(705);
    expect(same(snapshotImage(reopened, origin), snapshot)).toBe(true);
    runToEnd(reopened.merge(origin, 0));
    expect(same(origin.bytes, snapshot)).toBe(true);
  });

  it('resumes a merge the kernel left half done (a cleared suffix, its chunks already on the origin)', () => {
    const merged = new Fixture('p-merge-full');
    const cow = merged.device('cow');
    const origin = merged.device('origin');
    const store = PersistentStore.open(cow, { write: true });
    const { oldChunk, newChunk } = store.exceptionTable();
    // What the kernel leaves after merging the last 20 exceptions: data copied, entries zeroed.
    for (let i = 25; i < 45; i++) {
      origin.bytes.set(cow.bytes.subarray(newChunk[i]! * 4096, (newChunk[i]! + 1) * 4096), oldChunk[i]! * 4096);
      cow.bytes.fill(0, 4096 + i * 16, 4096 + (i + 1) * 16);
    }
    const half = PersistentStore.open(cow, { write: true });
    expect(half.exceptions).toBe(25);
    runToEnd(half.merge(origin, 0));
    expect(same(origin.bytes, merged.image('origin-after'))).toBe(true);
    expect(same(cow.bytes, merged.image('cow-after'))).toBe(true);
  });

  it('refuses an origin too small for the exceptions or for one chunk', () => {
    const store = PersistentStore.open(fx.device('cow'), { write: true });
    expect(() => store.merge(new MemoryDevice(4 << 20), 0)).toThrow(/too small for the exceptions: entry \d+ holds origin chunk \d+/);
    expect(() => store.merge(new MemoryDevice(2048), 0)).toThrow(/chunk size \(4096 bytes\) does not fit the origin/);
    expect(() => PersistentStore.open(fx.device('cow')).merge(fx.device('origin'), 0)).toThrow(/opened read-only/);
  });

  it('emits structural events for writes, rollover and merge', () => {
    const events: StructuralEvent[] = [];
    const origin = new MemoryDevice(64 * 512);
    const store = PersistentStore.format(new MemoryDevice(80 * 512), { chunkBytes: 512 }, { events: (e) => events.push(e) });
    for (let c = 0; c < 33; c++) store.writeOrigin(origin, c, new Uint8Array(512).fill(c + 1));
    expect(events.filter((e) => e.type === 'pe-add')).toHaveLength(33);
    expect(events).toContainEqual({ type: 'area-rollover', area: 1, chunk: 34 });
    expect(events).toContainEqual({ type: 'pe-add', area: 1, entry: 0, origin: 32, chunk: 35 });
    events.length = 0;
    runToEnd(store.merge(origin, 0, { events: (e) => events.push(e) }));
    expect(store.info().merge).toBeNull(); // a finished merge leaves no merge in progress (issue 15)
    expect(events[0]).toEqual({ type: 'merge-copy-to-origin', origin: 32, from: 35, count: 1 });
    expect(events).toContainEqual({ type: 'merge-copy-to-origin', origin: 0, from: 2, count: 32 });
    expect(events.filter((e) => e.type === 'merge-clear').reduce((n, e) => n + (e.type === 'merge-clear' ? e.count : 0), 0)).toBe(33);
    expect(store.statusText()).toBe('2/80 2');
  });

  it('reports open progress over the device', () => {
    const seen: [number, number][] = [];
    PersistentStore.open(fx.device('cow', true), { onProgress: (d, t) => seen.push([d, t]) });
    expect(seen).toEqual([
      [258, 1024],
      [515, 1024],
      [772, 1024],
    ]);
  });
});
