// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
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

// After finding origin chunk 500 in the B-tree, the Leaf inspector (opened from the sidebar)
// was blank, asking to pick a leaf: the search just made was not offered.
it('the Leaf inspector offers the leaf of the B-tree search just made', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore(await demoStore(app.client, dir));
  render(<App store={app.store} />);
  app.store.getState().navigate('btree');
  await screen.findByRole('heading', { name: /^Root / });
  const found = (await app.store.getState().searchKey(500))!;
  app.store.getState().navigate('leaf');
  const offer = await screen.findByRole('button', { name: `Show leaf ${found.leaf}, which holds origin chunk 500 (your B-tree search)` });
  fireEvent.click(offer);
  await until(app.store, (s) => s.leafChunk === found.leaf && s.leafDetail !== null);
  await screen.findByRole('heading', { name: `Leaf inspector · leaf ${found.leaf}`, level: 1 });
});
