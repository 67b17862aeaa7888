// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { leakChunks } from '../../e2e/leak.ts';
import { appOverEngine, demoStore, kernelFixture, tempDir } from './fixtures.ts';

HTMLCanvasElement.prototype.getContext = (() => null) as never;

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

// The map drew leaked chunks grey, and its legend had no grey: nothing said what they were, or how many.
it("the occupancy legend keys leaked chunks (grey) with their count, on a shared store only", async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  const store = await demoStore(app.client, dir);
  const probe = await app.client.open(store);
  const { chunkCount, chunkBytes } = await app.client.info({ session: probe.session });
  await app.client.close({ session: probe.session });
  leakChunks(store.cow, chunkBytes, [chunkCount - 3, chunkCount - 9]);
  // Read-only: a writer's open reclaims leaks.
  await app.store.getState().openStore(store);
  render(<App store={app.store} />);
  app.store.getState().navigate('bitmap');
  const legend = await screen.findByRole('group', { name: 'Chunk colours' });
  const key = await within(legend).findByText(/^leaked/);
  expect(key.closest('.legend-item')!.textContent).toBe('leaked 2');
  expect(key.closest('.legend-item')!.querySelector<HTMLElement>('.swatch')!.style.background).toBe('rgb(186, 176, 172)');
  cleanup();
  await app.store.getState().closeStore();

  // A persistent store has no bitmap, so nothing in it can leak: no key.
  await app.store.getState().openStore(kernelFixture('p-basic-c8', dir));
  render(<App store={app.store} />);
  app.store.getState().navigate('bitmap');
  const persistent = await screen.findByRole('group', { name: 'Chunk colours' });
  expect(within(persistent).queryByText(/^leaked/)).toBeNull();
});
