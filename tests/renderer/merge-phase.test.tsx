// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { JobInfo } from '../../src-core/api/contract.ts';
import { PersistentStore } from '../../src-core/persistent/index.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import type { AppStore } from '../../src-renderer/store/index.ts';
import { appOverEngine, demoStore, kernelFixture, tempDir, until } from './fixtures.ts';

HTMLCanvasElement.prototype.getContext = (() => null) as never;

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

/** Merges `name`; returns the job as the host reported it part-way, at its first progress naming a run being copied. */
async function mergeUnderWay(store: AppStore, name: string): Promise<JobInfo> {
  const snap = store.getState().info!.snapshots.find((s) => s.name === name)!;
  await store.getState().startMerge(snap.slot, name);
  const job = store.getState().merge!.job;
  let underWay: JobInfo | undefined;
  await until(store, (s) => {
    const now = s.jobs[job];
    if (!underWay && now?.state === 'running' && now.progress.current) underWay = now;
    return now?.state === 'done';
  });
  return underWay!;
}

/** The Merge view's line saying what the merge is doing, with `job` as the host last reported it (as paused there). */
async function phaseLine(store: AppStore, job: JobInfo): Promise<string> {
  render(<App store={store} />);
  store.getState().navigate('merge');
  await screen.findByRole('heading', { name: 'Merge', level: 1 });
  // The view asks the host for the merge's job once; its answer (done) lands first, then the report part-way.
  await new Promise((r) => setTimeout(r, 300));
  store.getState().applyJob({ ...job, state: 'paused' });
  const line = await screen.findByTestId('merge-phase');
  await waitFor(() => expect(line.textContent).not.toBe(''));
  return line.textContent!;
}

const ENGINE_SPEAK = /<-|entries|\.\.|^merge\b|COW \d/;

/** The engine's own progress of a persistent merge of `files` one batch in (batches of one chunk), on a copy: the job of the app runs too fast to be seen part-way. */
function persistentProgressPartWay(files: { cow: string; origin: string }): JobInfo['progress'] {
  const cow = FileDevice.open(files.cow, { write: true });
  const origin = FileDevice.open(files.origin, { write: true });
  try {
    const store = PersistentStore.open(cow, { write: true });
    const task = store.merge(origin, 0, { batchBytes: store.chunkBytes });
    task.step();
    return { ...task.progress(), elapsedSeconds: 1, rate: 0, bytesPerSecond: null, etaSeconds: null };
  } finally {
    origin.close();
    cow.close();
  }
}

// The persistent merge said "merge · origin 0..7 <- COW 2..9 (entries 0..7)": the engine's log line.
it("a persistent merge's phase says what is copied where and how much is left, in the shared merge's words", async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  const files = kernelFixture('p-merge-full', dir);
  const partWay = persistentProgressPartWay(kernelFixture('p-merge-full', tempDir()));
  expect(partWay.current).toMatch(/<-/); // what was shown
  await app.store.getState().openStore({ ...files, write: true });
  const cb = app.store.getState().info!.chunkBytes;
  const snap = app.store.getState().info!.snapshots[0]!;
  await app.store.getState().startMerge(snap.slot, 'snap');
  const job = app.store.getState().merge!.job;
  await until(app.store, (s) => s.jobs[job]?.state === 'done');
  const line = await phaseLine(app.store, { ...app.store.getState().jobs[job]!, progress: partWay });
  expect(line).not.toMatch(ENGINE_SPEAK);
  const left = partWay.total - partWay.done;
  expect(left).toBeGreaterThan(0);
  expect(line).toMatch(/^Copying snap's data onto the origin, now origin chunks? [\d,]+(–[\d,]+)? · /);
  expect(line).toContain(`${left.toLocaleString('en-US')} chunk${left === 1 ? '' : 's'} (`);
  expect(line).toMatch(new RegExp(`\\(${(left * cb) / 1024 < 1024 ? '[\\d.]+ KiB' : '[\\d.]+ MiB'}\\) left$`));
});

it("a shared merge's phase uses the same words", async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore({ ...(await demoStore(app.client, dir)), write: true });
  const job = await mergeUnderWay(app.store, 'nightly');
  const line = await phaseLine(app.store, job);
  expect(line).not.toMatch(ENGINE_SPEAK);
  // The stages read as the figures below them do, not as the engine names them.
  expect(screen.getByTestId('merge-stages').textContent).toMatch(/^Copied for the other snapshots: [\d.]+ [KMG]?i?B of [\d.]+ [KMG]?i?B · Written to the origin: [\d.]+ [KMG]?i?B of [\d.]+ [KMG]?i?B$/);
  expect(line).toMatch(/^Copying nightly's data onto the origin, now origin chunks? [\d,]+(–[\d,]+)? · [\d,]+ chunks? \([\d.]+ [KMG]?i?B\) left$/);
});
