// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { appOverEngine, demoStore, tempDir, until } from './fixtures.ts';

HTMLCanvasElement.prototype.getContext = (() => null) as never;

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

// A merge paused inside a batch has written more onto the origin than its record counts as merged
// (a batch is recorded once its data is durable). The Overview and Activity speak of the record;
// the Merge view called the copies "Merged" too, so the two views gave different "merged" counts.
it('a paused merge shows what it wrote onto the origin apart from what the store records as merged', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  const demo = await demoStore(app.client, dir);
  await app.store.getState().openStore({ ...demo, write: true });
  const { info } = app.store.getState();
  const nightly = info!.snapshots.find((s) => s.name === 'nightly')!;
  await app.store.getState().startMerge(nightly.slot, 'nightly');
  const job = app.store.getState().merge!.job;
  await app.store.getState().controlJob('pause', job);
  await until(app.store, (s) => s.jobs[job]?.state === 'paused');

  render(<App store={app.store} />);
  app.store.getState().navigate('merge');
  await screen.findByRole('heading', { name: 'Merge', level: 1 });
  // Let the pause's own events land first; then the state below is what the host last said.
  await new Promise((r) => setTimeout(r, 300));
  // Mid-batch: 250 of its chunks written onto the origin, the record at 100 (what info() says then).
  const total = nightly.exceptions;
  const cb = info!.chunkBytes;
  const paused = app.store.getState().jobs[job]!;
  app.store.getState().applyJob({
    ...paused,
    progress: {
      ...paused.progress,
      done: 250,
      total,
      unit: 'chunks',
      stages: [
        { name: 'copies for other snapshots', done: 0, total: 0, unit: 'bytes' },
        { name: 'onto the origin', done: 250 * cb, total: total * cb, unit: 'bytes' },
      ],
    },
  });
  app.store.getState().applyInfo({ ...info!, merge: { slot: nightly.slot, done: 100, total } });

  const written = await screen.findByTestId('merge-done');
  await waitFor(() => expect(written.textContent).toBe(`250 of ${total} chunks`));
  expect(written.closest('.stat')!.querySelector('dt')!.textContent).toBe('Written to the origin');
  const recorded = screen.getByTestId('merge-recorded-done');
  expect(recorded.textContent).toBe(`100 of ${total} recorded as merged on disk`);
  // No figure calls the 250 "merged".
  expect(screen.getByRole('region', { name: "Merging 'nightly'" }).textContent).not.toMatch(/Merged\s*250/);
});
