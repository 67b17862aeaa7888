// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { appOverEngine, demoStore, tempDir } from './fixtures.ts';

HTMLCanvasElement.prototype.getContext = (() => null) as never;

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

// A page loaded at #/tools (a reload, a bookmark, serve mode reopening its store) shows Tools
// before the store is open. The target was chosen once, at mount: the path, left empty, so
// "Run check" stayed disabled with the open store right there.
it('Tools shown before the store opens targets the open store once it is open', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  const demo = await demoStore(app.client, dir);
  render(<App store={app.store} />);
  app.store.getState().navigate('tools');
  await screen.findByRole('heading', { name: 'Tools', level: 1 });
  expect((screen.getByRole('button', { name: 'Run check' }) as HTMLButtonElement).disabled).toBe(true);

  await app.store.getState().openStore(demo);
  const onStore = await screen.findByRole('radio', { name: /The open store/ });
  expect((onStore as HTMLInputElement).checked).toBe(true);
  await waitFor(() => expect((screen.getByRole('button', { name: 'Run check' }) as HTMLButtonElement).disabled).toBe(false));

  // A choice the user makes stays.
  screen.getByRole('radio', { name: /A COW image or device at a path/ }).click();
  await waitFor(() => expect((screen.getByRole('radio', { name: /A COW image or device at a path/ }) as HTMLInputElement).checked).toBe(true));
  expect((screen.getByRole('button', { name: 'Run check' }) as HTMLButtonElement).disabled).toBe(true);
});
