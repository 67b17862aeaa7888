// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { createAppStore } from '../../src-renderer/store/index.ts';
import { appOverEngine, demoStore, tempDir } from './fixtures.ts';

HTMLCanvasElement.prototype.getContext = (() => null) as never;

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

// `snapscope serve <cow>` opens the store before the page loads; the page showed it, and its
// Activity said "Nothing yet. Opening a store … is logged here", as if nothing were open.
it('a store the server had open when the page loaded is in Activity, saying who opened it', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  const demo = await demoStore(app.client, dir);
  await app.client.open({ ...demo }); // as `snapscope serve <cow>` does
  const page = createAppStore(app.client);
  await page.getState().init();
  expect(page.getState().session?.cow).toBe(demo.cow);
  render(<App store={page} />);
  page.getState().navigate('activity');
  const log = await screen.findByRole('list', { name: 'Activity log' });
  expect(log.textContent).toContain(`${demo.cow} was open already (opened by the server or another window)`);
});
