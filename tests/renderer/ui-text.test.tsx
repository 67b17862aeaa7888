// @vitest-environment jsdom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { NAV, navEnabled } from '../../src-renderer/app/nav.ts';
import { appOverEngine, demoStore, kernelFixture, tempDir } from './fixtures.ts';

HTMLCanvasElement.prototype.getContext = (() => null) as never;

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

// The Tools view showed Markdown: "for `snapscope restore` or a diff", backticks and all.
it('no view shows Markdown backticks, for either format', async () => {
  for (const open of ['shared', 'persistent'] as const) {
    const dir = tempDir();
    const app = appOverEngine(dir);
    service = app.service;
    const files = open === 'shared' ? await demoStore(app.client, dir) : kernelFixture('p-basic-c8', dir);
    await app.store.getState().openStore({ ...files, write: true });
    render(<App store={app.store} />);
    // Teach runs its engine in a Worker, which jsdom lacks (its own tests cover it).
    for (const entry of NAV.filter((n) => navEnabled(n, open) && n.route !== 'teach')) {
      app.store.getState().navigate(entry.route);
      const heading = await screen.findAllByRole('heading', { level: 1 });
      expect(heading.length).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 50));
      expect(document.body.textContent, `${entry.label} (${open})`).not.toContain('`');
    }
    cleanup();
    await service.dispose();
    service = undefined;
  }
});

// Snapshot times are UTC (as the CLI prints them) beside local times elsewhere, with nothing saying
// which; the UUID column read "3ddc94d8…" to a screen reader.
it('the snapshot table says its times are UTC and gives a screen reader the whole UUID', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore(await demoStore(app.client, dir));
  render(<App store={app.store} />);
  app.store.getState().navigate('overview');
  const table = await screen.findByRole('table', { name: 'Snapshots' });
  const heads = within(table).getAllByRole('columnheader').map((h) => h.textContent);
  expect(heads).toContain('Created (UTC)');
  const base = app.store.getState().info!.snapshots[0]!;
  const created = new Date(base.created! * 1000).toISOString().replace('T', ' ').slice(0, 16);
  const row = within(table).getAllByRole('row')[1]!;
  expect(row.textContent).toContain(created);
  const uuid = within(row).getByText(base.uuid!);
  expect(uuid.className).toBe('sr-only');
});

// The sidebar's grey entries ("B-tree" on a persistent store, every store view before one is
// open) said nothing of why; a grey control alone reads as broken.
it('a greyed-out view in the sidebar says why', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  render(<App store={app.store} />);
  const nav = screen.getByRole('navigation', { name: 'Views' });
  const entry = (name: RegExp): HTMLElement => within(nav).getByRole('button', { name });
  await waitFor(() => expect(entry(/^Overview/).getAttribute('title')).toBe('Open a store first'));
  await app.store.getState().openStore(kernelFixture('p-basic-c8', dir));
  await waitFor(() => expect(entry(/^B-tree/).getAttribute('title')).toBe('For shared stores only: this one is persistent'));
  expect((entry(/^B-tree/) as HTMLButtonElement).disabled).toBe(true);
  expect(entry(/^Overview/).getAttribute('title')).toBeNull();
});

