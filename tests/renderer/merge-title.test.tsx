// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
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

// At 100%, above "Merge finished", the card still said "Merging 'nightly'".
it('a finished merge is titled as done, not as still merging', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore({ ...(await demoStore(app.client, dir)), write: true });
  render(<App store={app.store} />);
  app.store.getState().navigate('merge');
  await screen.findByRole('heading', { name: 'Merge', level: 1 });
  await app.store.getState().startMerge('nightly', 'nightly');
  await until(app.store, (s) => s.merge !== null && s.jobs[s.merge.job]?.state === 'done');
  await screen.findByTestId('merge-summary');
  expect(screen.getByRole('heading', { level: 2, name: "Merged 'nightly'" })).toBeTruthy();
  expect(screen.queryByRole('heading', { level: 2, name: /^Merging/ })).toBeNull();
});
