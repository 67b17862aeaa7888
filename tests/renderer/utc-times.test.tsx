// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterAll, afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { timeOfDay } from '../../src-renderer/viz/format.ts';
import { appOverEngine, demoStore, tempDir } from './fixtures.ts';

HTMLCanvasElement.prototype.getContext = (() => null) as never;

// A zone far from UTC, not a whole number of hours away, so a local time cannot pass for UTC.
const zone = process.env['TZ'];
process.env['TZ'] = 'Asia/Kathmandu';
let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});
afterAll(() => {
  if (zone === undefined) delete process.env['TZ'];
  else process.env['TZ'] = zone;
});

/** "HH:MM:SS" of `ms` in UTC. */
const utcClock = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

// Snapshots' creation times were UTC (and said so), while Activity and the recent stores showed
// this browser's local time, unmarked: an admin lining them up was off by the zone.
it('Activity and the recent stores give UTC times, marked as UTC', async () => {
  expect(new Date(Date.UTC(2026, 0, 1)).getTimezoneOffset(), 'the test runs away from UTC').toBe(-345);
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  const demo = await demoStore(app.client, dir);
  await app.store.getState().openStore(demo);
  render(<App store={app.store} />);
  app.store.getState().navigate('activity');
  const log = await screen.findByRole('list', { name: 'Activity log' });
  const entries = app.store.getState().activity;
  expect(entries.length).toBeGreaterThan(0);
  const shown = within(log).getAllByRole('listitem').map((li) => li.querySelector('time')?.textContent);
  expect(shown).toEqual(entries.map((e) => `${utcClock(e.at)} UTC`));

  await app.store.getState().closeStore();
  app.store.getState().navigate('start');
  const recent = await screen.findByRole('region', { name: 'Recent stores' });
  const opened = app.store.getState().recent[0]!.openedAt;
  expect(within(recent).getByText(new RegExp(`${new Date(opened).toISOString().slice(0, 16).replace('T', ' ')} UTC`))).toBeTruthy();
  // Live views say "as of" in UTC too.
  expect(timeOfDay(Date.UTC(2026, 11, 7, 4, 5, 9))).toBe('04:05:09 UTC');
});
