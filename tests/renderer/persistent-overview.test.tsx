// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { appOverEngine, kernelFixture, tempDir } from './fixtures.ts';

HTMLCanvasElement.prototype.getContext = (() => null) as never;

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

// A kernel-written persistent COW: its snapshot has no UUID, and the Overview showed a lone "…"
// in that column; the kernel's status figure was "376/2048" with no unit.
it('a persistent store: no UUID is a dash, and the kernel status figure says its unit', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore(kernelFixture('p-basic-c8', dir));
  const info = app.store.getState().info!;
  expect(info.snapshots[0]!.uuid).toBe('');
  const status = info.kernelStatus!;
  render(<App store={app.store} />);
  app.store.getState().navigate('overview');
  const table = await screen.findByRole('table', { name: 'Snapshots' });
  // One snapshot reads every exception: no Unique and Shared columns that could only say "all" and "none".
  const heads = within(table).getAllByRole('columnheader').map((th) => th.textContent);
  expect(heads).not.toContain('Unique');
  expect(heads).not.toContain('Shared');
  const row = within(table).getAllByRole('row')[1]!;
  const uuid = within(row).getAllByRole('cell')[heads.indexOf('UUID')]!;
  expect(uuid.textContent).toBe('—');
  const stat = screen.getByTestId('ov-kernel-status');
  const count = (n: number): string => n.toLocaleString('en-US');
  expect(stat.textContent).toBe(`${count(status.allocatedSectors)} / ${count(status.totalSectors)} sectors ${count(status.metadataSectors)} of them metadata`);
});
