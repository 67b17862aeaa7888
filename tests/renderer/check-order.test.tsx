// @vitest-environment jsdom
import fs from 'node:fs';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
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

// One bad leaf gives 1 error and 11 leaked-chunk warnings; the groups were ordered by count, so
// the error came last, below eleven warnings, with nothing saying which group was which.
it('Check lists error kinds before warning kinds, each group saying which it is', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  const demo = await demoStore(app.client, dir);
  // The first leaf's magic flipped, as e2e/damaged-store.spec.ts does.
  await app.store.getState().openStore(demo);
  const session = app.store.getState().session!.session;
  const { chunkBytes } = app.store.getState().info!;
  const path = await app.client.pathTo({ session, key: 0 });
  await app.store.getState().closeStore();
  const bytes = fs.readFileSync(demo.cow);
  bytes[path.leaf * chunkBytes] = bytes[path.leaf * chunkBytes]! ^ 0xff;
  fs.writeFileSync(demo.cow, bytes);

  render(<App store={app.store} />);
  app.store.getState().navigate('tools');
  await screen.findByRole('heading', { name: 'Tools', level: 1 });
  fireEvent.change(screen.getByLabelText('COW path for the tools'), { target: { value: demo.cow } });
  fireEvent.click(screen.getByRole('button', { name: 'Run check' }));
  await screen.findByTestId('check-errors');
  const groups = await waitFor(() => {
    const found = [...document.querySelectorAll<HTMLElement>('details.finding-group')];
    expect(found.length).toBeGreaterThan(1);
    return found;
  });
  const severities = groups.map((g) => g.dataset.severity);
  expect(severities[0]).toBe('error');
  expect(severities).toEqual([...severities].sort()); // 'error' < 'warning'
  expect(groups[0]!.querySelector('summary')!.textContent).toMatch(/^errors? · /);
  expect(groups.at(-1)!.querySelector('summary')!.textContent).toMatch(/^warnings? · /);
});
