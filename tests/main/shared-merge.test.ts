/** The shared merge through the API: dry run, a job with progress and structural events, pause, cancel, info, resume. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { ApiEvent } from '../../src-core/api/contract.ts';
import { SharedStore } from '../../src-core/shared/index.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { inProcess, tempDir } from './fixtures.ts';

const CB = 512;
const CHUNKS = 1 << 18; // 128 MiB in batches of 65536 chunks: the job runs several batches and slices

let service: EngineService;
afterEach(async () => service?.dispose());

/**
 * Snapshot 'before' has an exception (all zeros: metadata only, the COW is sparse) for each of the
 * first `chunks` origin chunks, which hold byte 1; 'after' reads the origin.
 */
function sharedPair(dir: string, chunks = CHUNKS): { cow: string; origin: string } {
  const [origin, cow] = [path.join(dir, 'origin'), path.join(dir, 'cow')];
  fs.writeFileSync(origin, Buffer.alloc(chunks * CB, 1));
  fs.writeFileSync(cow, '');
  fs.truncateSync(cow, (3 * chunks + 4096) * CB);
  const store = SharedStore.format(FileDevice.open(cow, { write: true }), { chunkBytes: CB });
  store.createSnapshot({ name: 'before' });
  for (let c = 0; c < chunks; c++) store.prepareOriginWrite(c);
  store.createSnapshot({ name: 'after' });
  store.close();
  return { cow, origin };
}

it('merge of a shared snapshot: plan, pause, cancel with the merge recorded, resume to the end', async () => {
  const dir = tempDir();
  const { cow, origin } = sharedPair(dir);
  const r = inProcess(dir);
  service = r.service;
  const c = r.client;
  const s = await c.open({ cow, origin, write: true });

  const plan = await c.jobWait({ job: (await c.merge({ session: s.session, snapshot: 'before', dryRun: true })).id });
  expect(plan.kind === 'merge' && plan.result).toMatchObject({ dryRun: true, slot: 0, chunks: CHUNKS, bytes: 2 * CHUNKS * CB });

  // Pause once a batch is merged: progress counts the batch being copied and the one being flushed too.
  let pausing = false;
  let pause: Promise<unknown> | null = null;
  c.onEvent((e: ApiEvent) => {
    if (pausing || e.type !== 'job' || e.job.kind !== 'merge' || e.job.progress.done <= CHUNKS / 2) return;
    pausing = true;
    pause = c.jobPause({ job: e.job.id });
  });
  const job = await c.merge({ session: s.session, snapshot: 'before' });
  expect(job.label).toContain('merge snapshot 0');
  await expect.poll(() => pause, { timeout: 20_000, interval: 5 }).not.toBeNull();
  expect(await pause).toMatchObject({ state: 'paused' });
  const paused = await c.info({ session: s.session });
  expect(paused.merge).toMatchObject({ slot: 0, total: CHUNKS });
  expect(paused.merge!.done).toBeGreaterThan(0);
  expect(paused.merge!.done).toBeLessThan(CHUNKS);
  await expect(c.writeChunk({ session: s.session, to: 'origin', chunk: 0, fill: 9 })).rejects.toMatchObject({ code: 'busy' });
  await c.jobCancel({ job: job.id });
  const cancelled = await c.jobWait({ job: job.id });
  expect(cancelled.state).toBe('cancelled');

  const info = await c.info({ session: s.session });
  expect(info.merge).toMatchObject({ slot: 0, total: CHUNKS });
  expect(info.notes.join(' ')).toContain('part rolled back');
  await expect(c.writeChunk({ session: s.session, to: 'origin', chunk: 0, fill: 9 })).rejects.toMatchObject({ code: 'usage', message: expect.stringContaining('being merged') });
  await expect(c.merge({ session: s.session, snapshot: 'after' })).rejects.toMatchObject({ code: 'usage' });

  const resumed = await c.jobWait({ job: (await c.merge({ session: s.session, snapshot: 'before' })).id });
  expect(resumed.state).toBe('done');
  expect(resumed.kind === 'merge' && resumed.result?.chunks).toBe(CHUNKS - info.merge!.done!);
  const end = await c.info({ session: s.session });
  expect(end.merge).toBeNull();
  expect(end.snapshots.map((x) => x.name)).toEqual(['after']);
  for (const chunk of [0, CHUNKS / 2, CHUNKS - 1]) {
    expect(Buffer.from((await c.readChunk({ session: s.session, from: 'origin', chunk })).data, 'base64').every((b) => b === 0)).toBe(true);
    expect(Buffer.from((await c.readChunk({ session: s.session, from: 'after', chunk })).data, 'base64').every((b) => b === 1)).toBe(true);
  }
}, 60_000);

it('a shared merge streams its steps as structural events', async () => {
  const dir = tempDir();
  const { cow, origin } = sharedPair(dir, 40);
  const r = inProcess(dir);
  service = r.service;
  const steps: string[] = [];
  r.client.onEvent((e: ApiEvent) => e.type === 'structural' && steps.push(...e.events.map((x) => x.type)));
  const s = await r.client.open({ cow, origin, write: true });
  expect((await r.client.jobWait({ job: (await r.client.merge({ session: s.session, snapshot: 0 })).id })).state).toBe('done');
  const merge = steps.filter((t) => t.startsWith('merge-') || t === 'snapshot-delete');
  expect(merge.join(' ')).toMatch(/^(merge-origin-copy ){40}(merge-copy-to-origin )+merge-clear snapshot-delete$/);
});
