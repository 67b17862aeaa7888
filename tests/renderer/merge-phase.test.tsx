// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { JobInfo } from '../../src-core/api/contract.ts';
import { PersistentStore } from '../../src-core/persistent/index.ts';
import { SharedStore } from '../../src-core/shared/index.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { mergePhase } from '../../src-renderer/features/merge/merge-phase.ts';
import type { AppStore } from '../../src-renderer/store/index.ts';
import { appOverEngine, demoStore, kernelFixture, tempDir, until } from './fixtures.ts';

HTMLCanvasElement.prototype.getContext = (() => null) as never;

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

/**
 * The Merge view's line saying what the merge is doing, showing `job` as reported part-way (as
 * paused there). It is shown under an id of its own: the host's late words on the real job (its
 * result after its 'done') would overwrite it.
 */
async function phaseLine(store: AppStore, job: JobInfo): Promise<string> {
  render(<App store={store} />);
  store.getState().navigate('merge');
  await screen.findByRole('heading', { name: 'Merge', level: 1 });
  store.getState().applyJob({ ...job, id: 'shown-part-way', state: 'paused' });
  store.setState({ merge: { ...store.getState().merge!, job: 'shown-part-way' } });
  // The card is drawn anew for the new job: ask for the line each time.
  await waitFor(() => expect(screen.getByTestId('merge-phase').textContent).toMatch(/^Paused/));
  return screen.getByTestId('merge-phase').textContent!;
}

const ENGINE_SPEAK = /<-|entries|\.\.|^merge\b|COW \d/;

/**
 * The engine's own progress of a merge of `files` part-way (batches of a few chunks), on a copy:
 * the app's job runs too fast to be caught part-way.
 */
function progressPartWay(format: 'shared' | 'persistent', files: { cow: string; origin: string }, slot: number): JobInfo['progress'] {
  const cow = FileDevice.open(files.cow, { write: true });
  const origin = FileDevice.open(files.origin, { write: true });
  try {
    const store = format === 'shared' ? SharedStore.open(cow, { write: true }) : PersistentStore.open(cow, { write: true });
    const task = store.merge(origin, slot, { batchBytes: 8 * store.chunkBytes });
    while (!task.progress().current?.startsWith('origin')) task.step();
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
  const partWay = progressPartWay('persistent', kernelFixture('p-merge-full', tempDir()), 0);
  expect(partWay.current).toMatch(/<-/); // what was shown
  await app.store.getState().openStore({ ...files, write: true });
  const cb = app.store.getState().info!.chunkBytes;
  const snap = app.store.getState().info!.snapshots[0]!;
  await app.store.getState().startMerge(snap.slot, 'snap');
  const job = app.store.getState().merge!.job;
  await until(app.store, (s) => s.jobs[job]?.state === 'done' && Boolean(s.jobs[job].result));
  const line = await phaseLine(app.store, { ...app.store.getState().jobs[job]!, progress: partWay });
  expect(line).not.toMatch(ENGINE_SPEAK);
  const left = partWay.total - partWay.done;
  expect(left).toBeGreaterThan(0);
  // Running, it says so; stopped, too.
  const ended = app.store.getState().jobs[job]!;
  expect(mergePhase({ ...ended, state: 'running', progress: partWay }, 'snap', cb)).toMatch(/^Copying snap's data onto the origin, at origin chunks? /);
  expect(mergePhase({ ...ended, state: 'cancelled', progress: partWay }, 'snap', cb)).toMatch(/^Stopped copying snap's data onto the origin, at origin chunks? /);
  expect(line).toMatch(/^Paused copying snap's data onto the origin, at origin chunks? [\d,]+(–[\d,]+)? · /);
  expect(line).toContain(`${left.toLocaleString('en-US')} chunk${left === 1 ? '' : 's'} (`);
  expect(line).toMatch(new RegExp(`\\(${(left * cb) / 1024 < 1024 ? '[\\d.]+ KiB' : '[\\d.]+ MiB'}\\) left$`));
});

it("a shared merge's phase uses the same words", async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore({ ...(await demoStore(app.client, dir)), write: true });
  const nightly = app.store.getState().info!.snapshots.find((s) => s.name === 'nightly')!;
  const partWay = progressPartWay('shared', await demoStore(app.client, tempDir()), nightly.slot);
  expect(partWay.current).toMatch(/^origin \d+\.\.\d+$/); // what was shown
  await app.store.getState().startMerge(nightly.slot, 'nightly');
  const job = app.store.getState().merge!.job;
  await until(app.store, (s) => s.jobs[job]?.state === 'done' && Boolean(s.jobs[job].result));
  const line = await phaseLine(app.store, { ...app.store.getState().jobs[job]!, progress: partWay });
  expect(line).not.toMatch(ENGINE_SPEAK);
  // The stages read as the figures below them do, not as the engine names them.
  expect(screen.getByTestId('merge-stages').textContent).toMatch(/^Copied for the other snapshots: [\d.]+ [KMG]?i?B of [\d.]+ [KMG]?i?B · Written to the origin: [\d.]+ [KMG]?i?B of [\d.]+ [KMG]?i?B$/);
  expect(line).toMatch(/^Paused copying nightly's data onto the origin, at origin chunks? [\d,]+(–[\d,]+)? · [\d,]+ chunks? \([\d.]+ [KMG]?i?B\) left$/);
});
