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

// The Overview said "Tree levels 2" (index levels, as `snapscope info`), the B-tree view
// "Root … · 3 levels" (leaves counted) for the same tree: two counts under one word.
it('the Overview and the B-tree view count the same tree in the same words', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore(await demoStore(app.client, dir));
  const levels = app.store.getState().info!.tree!.levels;
  render(<App store={app.store} />);
  app.store.getState().navigate('overview');
  const stat = await screen.findByTestId('ov-tree-levels');
  expect(stat.textContent).toBe(`${levels} index levels above the leaves; depth ${levels + 1} with them`);

  app.store.getState().navigate('btree');
  const title = await screen.findByRole('heading', { name: /^Root \d+/ });
  await waitFor(() => expect(title.textContent).toMatch(new RegExp(`^Root \\d+ · depth ${levels + 1} \\(${levels} index levels above the leaves\\)$`)));
});
