// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { MergeResult } from '../../src-core/api/contract.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { createAppStore } from '../../src-renderer/store/index.ts';
import { appOverEngine, demoStore, tempDir, until } from './fixtures.ts';

HTMLCanvasElement.prototype.getContext = (() => null) as never;

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

it('shared merge from the Merge view: the dry run agrees with the API, the confirm names what is lost, the merge ends with the snapshot gone', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  const demo = await demoStore(app.client, dir);
  await app.store.getState().openStore({ ...demo, write: true });
  const session = app.store.getState().session!.session;
  const dry = await app.client.merge({ session, snapshot: 'nightly', dryRun: true });
  const result = (await app.client.jobWait({ job: dry.id })).result as MergeResult;
  const plan = { chunks: result.chunks, ...result.plan! };
  expect(plan.copies).toBeGreaterThan(0);
  expect(plan.batches).toBeGreaterThan(0);
  expect(plan.spaceNeeded).toBeGreaterThan(0);

  render(<App store={app.store} />);
  app.store.getState().navigate('merge');
  await screen.findByRole('heading', { name: 'Merge', level: 1 });
  fireEvent.change(screen.getByLabelText('Snapshot'), { target: { value: '1' } });
  fireEvent.click(screen.getByRole('button', { name: 'Merge into origin…' }));
  const dialog = await screen.findByRole('dialog', { name: "Merge 'nightly' into the origin?" });
  const shown = await within(dialog).findByTestId('merge-plan');
  expect(within(shown).getByTestId('plan-chunks').dataset.value).toBe(String(plan.chunks));
  expect(within(shown).getByTestId('plan-copies').dataset.value).toBe(String(plan.copies));
  expect(within(shown).getByTestId('plan-space').dataset.value).toBe(String(plan.spaceNeeded));
  expect(within(shown).getByTestId('plan-frees').dataset.value).toBe(String(plan.frees));
  expect(within(shown).getByTestId('plan-batches').dataset.value).toBe(String(plan.batches));
  expect(dialog.textContent).toContain("rolled back to what snapshot 'nightly' shows");
  expect(dialog.textContent).toContain('deleted once merged');

  fireEvent.click(within(dialog).getByRole('button', { name: 'Start merge' }));
  await until(app.store, (s) => s.merge !== null && s.jobs[s.merge.job]?.state === 'done' && s.jobs[s.merge.job]?.result != null);
  const summary = await screen.findByTestId('merge-summary');
  await waitFor(() => expect(summary.textContent).toContain(`${plan.copies} chunks`));
  expect(summary.textContent).toContain('Merge finished');
  await waitFor(() => expect(app.store.getState().info!.snapshots.map((s) => s.name)).not.toContain('nightly'));
  expect(within(screen.getByTestId('merge-snapshots')).queryByText('nightly')).toBeNull();
});

it('a merge recorded on disk (after a cancel or a restart) shows the banner, and Resume finishes it', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  const demo = await demoStore(app.client, dir);
  await app.store.getState().openStore({ ...demo, write: true });
  const info = app.store.getState().info!;
  // The state info() reports while a merge of slot 2 is recorded.
  app.store.getState().applyInfo({ ...info, merge: { slot: 2, done: 100, total: 276 } });
  render(<App store={app.store} />);
  app.store.getState().navigate('merge');
  const banner = await screen.findByTestId('merge-recorded');
  expect(banner.textContent).toContain("Merge of 'before-upgrade' in progress — the origin is partly rolled back");
  expect(banner.textContent).toContain('100 of 276 chunks merged');
  expect(screen.queryByRole('button', { name: 'Merge into origin…' })).toBeNull();

  fireEvent.click(within(banner).getByRole('button', { name: 'Resume merge' }));
  await until(app.store, (s) => s.merge !== null && s.jobs[s.merge.job]?.state === 'done');
  await waitFor(() => expect(app.store.getState().info!.merge).toBeNull());
  expect(screen.queryByTestId('merge-recorded')).toBeNull();
  expect(app.store.getState().info!.snapshots.map((s) => s.name)).not.toContain('before-upgrade');
});

it('after a reload, the merge job the host still runs (here paused) is reattached with its controls, not offered as a recorded merge to resume', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  const demo = await demoStore(app.client, dir);
  await app.store.getState().openStore({ ...demo, write: true });
  const session = app.store.getState().session!.session;
  const job = await app.client.merge({ session, snapshot: 'nightly' });
  // Paused before its first slice runs: the job stays alive for the "reloaded" window below.
  expect(await app.client.jobPause({ job: job.id })).toMatchObject({ state: 'paused' });

  // The reload: a fresh store over the same host, which hands back the same session.
  const reloaded = createAppStore(app.client);
  await reloaded.getState().openStore({ ...demo, write: true });
  expect(reloaded.getState().session!.session).toBe(session);
  render(<App store={reloaded} />);
  reloaded.getState().navigate('merge');
  const resume = await screen.findByRole('button', { name: 'Resume' });
  expect(reloaded.getState().merge?.job).toBe(job.id);
  expect(screen.getByRole('button', { name: 'Cancel' })).toBeTruthy();
  expect(screen.queryByTestId('merge-recorded')).toBeNull();

  fireEvent.click(resume);
  await until(reloaded, (s) => s.jobs[job.id]?.state === 'done');
  expect(await screen.findByTestId('merge-summary')).toBeTruthy();
  await waitFor(() => expect(reloaded.getState().info!.snapshots.map((s) => s.name)).not.toContain('nightly'));
});
