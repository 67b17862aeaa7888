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

// A screen reader heard nothing when a snapshot was made or deleted or a job ended: the result
// was drawn where the eye goes, with no live region.
it('what ends (a write, a job) is said in a polite live region', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore({ ...(await demoStore(app.client, dir)), write: true });
  render(<App store={app.store} />);
  const said = screen.getByTestId('announcer');
  expect(said.getAttribute('role')).toBe('status');
  expect(said.getAttribute('aria-live')).toBe('polite');
  expect(said.textContent).toBe('');
  expect(await app.store.getState().createSnapshot('weekly')).toBeNull();
  await waitFor(() => expect(said.textContent).toBe("create snapshot 'weekly': done"));
  const weekly = app.store.getState().info!.snapshots.find((s) => s.name === 'weekly')!;
  expect(await app.store.getState().deleteSnapshot(weekly.slot, "'weekly'")).toBeNull();
  await waitFor(() => expect(said.textContent).toBe("delete snapshot 'weekly': done"));
  // A refused write says why.
  expect(await app.store.getState().createSnapshot('nightly')).not.toBeNull();
  await waitFor(() => expect(said.textContent).toMatch(/^create snapshot 'nightly': failed, /));
  expect(said.textContent).not.toMatch(/failed, [a-z-]+: /); // the error's code is for the log
  // A job: its label and summary when it ends.
  await app.store.getState().runCheck({ session: app.store.getState().session!.session });
  await waitFor(() => expect(said.textContent).toMatch(/check.*: done/));
});
