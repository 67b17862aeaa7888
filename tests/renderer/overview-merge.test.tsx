// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
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

// With a merge recorded, the Overview showed the engine's CLI note ("… (run merge again to
// finish it)": no such command in the UI) and a stat "Merging: slot 2, 100/276" without a name
// or a unit. It now says which snapshot, how far in chunks, and leads to the Merge view.
it('a merge recorded on disk: the Overview names the snapshot and its progress in chunks, and leads to the Merge view', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore({ ...(await demoStore(app.client, dir)), write: true });
  const info = app.store.getState().info!;
  const snap = info.snapshots.find((s) => s.name === 'before-upgrade')!;
  // What info() reports while the merge of that snapshot is recorded: the record and the engine's note.
  app.store.getState().applyInfo({
    ...info,
    merge: { slot: snap.slot, done: 1499, total: 7680 },
    notes: [
      `a merge of snapshot ${snap.slot} (before-upgrade) into the origin is in progress: 1499 chunks merged, 6181 to go; the origin is part rolled back until it ends (run merge again to finish it)`,
    ],
  });
  render(<App store={app.store} />);
  app.store.getState().navigate('overview');
  const alert = await screen.findByTestId('ov-merge');
  expect(alert.textContent).toContain("Merge of 'before-upgrade' into the origin in progress");
  expect(alert.textContent).toContain('1,499 of 7,680 chunks merged');
  expect(screen.getByRole('main').textContent).not.toContain('run merge again');
  const stat = screen.getByTestId('ov-merging');
  expect(stat.textContent).toBe("'before-upgrade' 1,499 of 7,680 chunks");
  fireEvent.click(within(alert).getByRole('button', { name: 'Open Merge' }));
  await screen.findByRole('heading', { name: 'Merge', level: 1 });
});
