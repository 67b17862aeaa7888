// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { appOverEngine, demoStore, kernelFixture, tempDir } from './fixtures.ts';

// jsdom has no canvas; painters are tested in viz.test.ts and in Chromium (e2e). Say "no 2D context".
HTMLCanvasElement.prototype.getContext = (() => null) as never;

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

it('start → open by path → overview shows the engine numbers; the table view lists exceptions', async () => {
  const dir = tempDir();
  const { cow, origin } = kernelFixture('p-basic-c8', dir);
  const app = appOverEngine(dir);
  service = app.service;
  render(<App store={app.store} />);
  expect(await screen.findByRole('heading', { name: 'Open a snapshot exception store' })).toBeTruthy();
  fireEvent.change(screen.getByLabelText('COW device or image'), { target: { value: cow } });
  fireEvent.change(screen.getByLabelText('Origin (optional)'), { target: { value: origin } });
  fireEvent.click(screen.getByRole('button', { name: 'Open' }));
  await screen.findByRole('heading', { name: 'Overview' });
  const info = await app.client.info({ session: app.store.getState().session!.session });
  expect(screen.getByTestId('ov-exceptions').dataset.value).toBe(String(info.exceptions));
  expect(screen.getByTestId('ov-chunk-bytes').dataset.value).toBe(String(info.chunkBytes));
  expect(screen.getByRole('button', { name: 'Merge snapshot snap' })).toHaveProperty('disabled', true);

  fireEvent.click(screen.getByRole('button', { name: /Exception table/ }));
  const table = await screen.findByRole('table', { name: 'Exception table' });
  await waitFor(() => expect(within(table).getAllByRole('row').length).toBeGreaterThan(5));
  expect(screen.getByTestId('exception-count').dataset.value).toBe(String(info.exceptions));
});

it('asks before writing, and shows API errors as readable messages', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  render(<App store={app.store} />);
  fireEvent.change(await screen.findByLabelText('COW device or image'), { target: { value: `${dir}/missing.cow` } });
  fireEvent.click(screen.getByRole('button', { name: 'Open' }));
  const alert = await screen.findByRole('alert');
  expect(alert.textContent).toContain('Could not open the store');
  expect(alert.textContent).toContain('missing.cow');

  const { cow, origin } = kernelFixture('p-basic-c8', dir);
  await app.store.getState().openStore({ cow, origin });
  fireEvent.click(await screen.findByRole('button', { name: 'Open for writing…' }));
  const dialog = await screen.findByRole('dialog', { name: 'Open this store for writing?' });
  fireEvent.click(within(dialog).getByRole('button', { name: 'Open for writing' }));
  await waitFor(() => expect(app.store.getState().session?.write).toBe(true));
  expect(screen.getByRole('button', { name: 'Merge snapshot snap' })).toHaveProperty('disabled', false);
});

it('start view: "Open demo store" shows the demo overview; discovered pairs say why there are none; the open shows progress', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  render(<App store={app.store} />);
  const pairs = await screen.findByRole('region', { name: 'Snapshots on this system' });
  await waitFor(() => expect(pairs.textContent).toMatch(/No device-mapper snapshots found|COW /));
  const opened = app.store.getState().openDemo();
  // Both at one moment (the in-process open may finish a microtask after the bar shows).
  await waitFor(() => {
    screen.getByRole('progressbar', { name: 'Open progress' });
    expect(screen.getByRole('button', { name: /demo/ })).toHaveProperty('disabled', true);
  });
  expect(await opened).toBe(true);
  await screen.findByRole('heading', { name: 'Overview' });
  const rows = within(screen.getByRole('table', { name: 'Snapshots' })).getAllByRole('row').slice(1);
  expect(rows.map((r) => r.children[1]?.textContent)).toEqual(app.store.getState().info!.snapshots.map((s) => s.name));
  // The usage gauge and every chunk legend use the snapshot colours.
  expect(screen.getByRole('img', { name: /^COW usage: metadata .*base .*shared .*free/ })).toBeTruthy();
});

it('the B-tree draws the root open and expands a node on click; a leaf opened from an exception chunk marks its origin', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore(await demoStore(app.client, dir));
  render(<App store={app.store} />);
  fireEvent.click(await screen.findByRole('button', { name: /^B-tree/ }));
  const closed = await screen.findAllByRole('treeitem', { name: /^node at chunk \d+, .* collapsed$/ });
  const before = app.store.getState().blocks.size;
  fireEvent.click(closed[0]!);
  await screen.findByRole('treeitem', { name: /^node at chunk \d+, .* expanded$/ });
  await waitFor(() => expect(screen.getAllByRole('treeitem', { name: /^leaf at chunk/ }).length).toBeGreaterThan(0));
  expect(app.store.getState().blocks.size).toBeGreaterThan(before);

  const session = app.store.getState().session!.session;
  const path = await app.client.pathTo({ session, key: 500 });
  const leaf = await app.client.leafDetail({ session, chunk: path.leaf });
  const row = leaf.rows.find((r) => r.cells.some((c) => c >= 0))!;
  await app.store.getState().openChunk(row.cells.find((c) => c >= 0)!);
  await screen.findByRole('heading', { name: `Leaf inspector · leaf ${path.leaf}` });
  const marked = await screen.findByRole('row', { current: true });
  expect(marked.dataset.origin).toBe(String(row.origin));
});
