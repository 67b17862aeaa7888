// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { MergeResult } from '../../src-core/api/contract.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { formatCount } from '../../src-renderer/viz/format.ts';
import { appOverEngine, demoStore, tempDir, until } from './fixtures.ts';

HTMLCanvasElement.prototype.getContext = (() => null) as never;

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

// "Exceptions in the store: 624 → 936" was right but unexplained: a merge that rolls the origin back adds exceptions.
it("the merge summary says why the store's exception count changed: the copies made for the other snapshots, less the exceptions only the merged snapshot held", async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore({ ...(await demoStore(app.client, dir)), write: true });
  const session = app.store.getState().session!.session;
  // The dry run's own figures: what the merge will add and free.
  const dry = await app.client.merge({ session, snapshot: 'nightly', dryRun: true });
  const { copies, frees } = ((await app.client.jobWait({ job: dry.id })).result as MergeResult).plan!;
  expect(copies).toBeGreaterThan(0);
  const before = app.store.getState().info!.exceptions;

  render(<App store={app.store} />);
  app.store.getState().navigate('merge');
  await screen.findByRole('heading', { name: 'Merge', level: 1 });
  await app.store.getState().startMerge('nightly', 'nightly');
  await until(app.store, (s) => s.merge !== null && s.jobs[s.merge.job]?.state === 'done' && s.jobs[s.merge.job]?.result != null);
  await waitFor(() => expect(app.store.getState().info!.snapshots.map((s) => s.name)).not.toContain('nightly'));
  const after = app.store.getState().info!.exceptions;
  expect(after).toBe(before + copies - frees);

  const line = (await screen.findByTestId('merge-exceptions')).textContent ?? '';
  expect(line).toContain(`Exceptions in the store: ${formatCount(before)} → ${formatCount(after)}`);
  expect(line).toContain(`+${formatCount(copies)} copies of the origin chunks the merge overwrote, made for the other snapshots that read them on the origin`);
  if (frees > 0) expect(line).toContain(`−${formatCount(frees)} exceptions only 'nightly' held, freed`);
  else expect(line).not.toContain('freed');
});
