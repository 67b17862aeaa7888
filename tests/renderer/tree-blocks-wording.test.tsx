// @vitest-environment jsdom
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { appOverEngine, tempDir } from './fixtures.ts';

HTMLCanvasElement.prototype.getContext = (() => null) as never;

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

// "1 nodes, 4 leaves" on a merge store, "1 nodes, 1 leaves" on a fresh one.
it('tree block counts agree in number with their nouns', async () => {
  const dir = tempDir();
  const cow = path.join(dir, 'fresh.cow');
  execFileSync(process.execPath, [path.resolve(import.meta.dirname, '../../bin/snapscope.mjs'), 'format', cow, '--kind', 'shared', '--size', '4M', '--chunk-size', '4k']);
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore({ cow });
  expect(app.store.getState().info!.tree).toMatchObject({ nodes: 1, leaves: 1 });
  render(<App store={app.store} />);
  app.store.getState().navigate('overview');
  expect((await screen.findByTestId('ov-tree-leaves')).textContent).toBe('2 1 node, 1 leaf');
});
