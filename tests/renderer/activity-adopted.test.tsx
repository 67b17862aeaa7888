// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
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

// A finished check or stats job said its last progress in Activity ("1 / 1 bitmap chunks"), not what it found.
it('Activity says what a finished check and statistics found', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore(await demoStore(app.client, dir));
  render(<App store={app.store} />);
  app.store.getState().navigate('tools');
  await screen.findByRole('heading', { name: 'Tools', level: 1 });
  fireEvent.click(screen.getByRole('button', { name: 'Run check' }));
  await screen.findByTestId('check-errors');
  fireEvent.click(screen.getByRole('button', { name: 'Statistics' }));
  await screen.findByTestId('stats-exceptions');
  const { check, stats } = app.store.getState().toolResults;
  app.store.getState().navigate('activity');
  const log = await screen.findByRole('list', { name: 'Activity log' });
  const detail = (label: string): string | undefined =>
    within(log)
      .getAllByRole('listitem')
      .find((li) => li.textContent?.includes(label))
      ?.querySelector('span > div.muted')?.textContent ?? undefined;
  const n = (x: number): string => x.toLocaleString('en-US');
  await waitFor(() => expect(detail('check /')).toBe(`${check!.errors} errors, ${check!.warnings} warnings; ${n(check!.exceptions)} exceptions seen`));
  expect(detail('stats of /')).toBe(`${n(stats!.exceptions)} exceptions, ${stats!.snapshots.length} snapshots`);
});
