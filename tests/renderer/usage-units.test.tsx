// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { formatBytes, formatCount } from '../../src-renderer/viz/format.ts';
import { appOverEngine, demoStore, tempDir } from './fixtures.ts';

HTMLCanvasElement.prototype.getContext = (() => null) as never;

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

// The Overview's usage figures were bare numbers ("Allocated 673"): chunks, but only the card's
// corner said so, and only Free gave bytes.
it('every usage figure says its unit: chunks, and the bytes they hold', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore(await demoStore(app.client, dir));
  const { usage, chunkBytes } = app.store.getState().info!;
  render(<App store={app.store} />);
  app.store.getState().navigate('overview');
  await screen.findByRole('heading', { name: 'Usage' });
  for (const [id, n] of [
    ['ov-allocated', usage.allocatedChunks],
    ['ov-metadata', usage.metadataChunks],
    ['ov-data', usage.dataChunks],
    ['ov-free', usage.freeChunks],
  ] as const) {
    expect(screen.getByTestId(id).textContent, id).toBe(`${formatCount(n)} chunks ${formatBytes(n * chunkBytes)}`);
  }
});
