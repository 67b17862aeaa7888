import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { appOverEngine, kernelFixture, tempDir } from './fixtures.ts';

let service: EngineService | undefined;
afterEach(async () => service?.dispose());

it('opens as a job: the start view sees its progress, and Activity logs one entry that follows it', async () => {
  const dir = tempDir();
  const { cow, origin } = kernelFixture('p-multiarea-c8', dir);
  const app = appOverEngine(dir);
  service = app.service;
  const seen: { job: string | null; phase: string | undefined }[] = [];
  app.store.subscribe((s) => {
    if (s.opening) seen.push({ job: s.opening.job, phase: s.opening.job ? s.jobs[s.opening.job]?.progress.phase : undefined });
  });
  expect(await app.store.getState().openStore({ cow, origin })).toBe(true);
  const st = app.store.getState();
  expect(st.opening).toBeNull();
  expect(st.session?.cow).toBe(cow);
  const job = seen.find((x) => x.job)?.job;
  expect(job).toBeTruthy();
  expect(st.jobs[job!]).toMatchObject({ kind: 'open', state: 'done' });
  expect(seen.some((x) => x.phase === 'open' || x.phase === 'scan')).toBe(true);

  const entries = st.activity.filter((a) => a.label.startsWith('open '));
  expect(entries).toHaveLength(1);
  expect(entries[0]).toMatchObject({ kind: 'job', job, status: 'ok' });
  expect(entries[0]!.detail).toMatch(/^persistent store, 1 snapshot, 705 exceptions$/);
});

it('Cancel stops an open in flight: no store, a note rather than an error, the entry says cancelled', async () => {
  const dir = tempDir();
  const { cow, origin } = kernelFixture('p-multiarea-c8', dir);
  const app = appOverEngine(dir);
  service = app.service;
  // Cancel as soon as the host has answered with the job: before its first slice runs.
  const off = app.store.subscribe((s, prev) => {
    if (s.opening?.job && !prev.opening?.job) void s.cancelOpen();
  });
  expect(await app.store.getState().openStore({ cow, origin })).toBe(false);
  off();
  const st = app.store.getState();
  expect(st.session).toBeNull();
  expect(st.route).toBe('start');
  expect(st.startError).toBeNull();
  expect(st.startNote).toMatch(/was cancelled; nothing was changed/);
  expect(st.activity.filter((a) => a.label.startsWith('open '))).toEqual([expect.objectContaining({ status: 'cancelled' })]);
});

it('a failed open is one error entry and a readable message', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  expect(await app.store.getState().openStore({ cow: `${dir}/nope.cow` })).toBe(false);
  const st = app.store.getState();
  expect(st.startError?.message).toContain('nope.cow');
  expect(st.startError?.hint.length).toBeGreaterThan(10);
  expect(st.activity.filter((a) => a.label.startsWith('open '))).toEqual([expect.objectContaining({ status: 'error' })]);
});
