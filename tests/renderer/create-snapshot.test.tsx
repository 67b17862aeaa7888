// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
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

const createButton = (): HTMLButtonElement => screen.getByRole('button', { name: 'Create snapshot' }) as HTMLButtonElement;

// Three things made "Create snapshot" fail or mislead: the suggested name was snap-<count + 1>,
// which a store may already hold (the engine refuses it); it was not selected, so typing a
// name appended to it ("snap-65new-one"); and with all 64 slots taken the button still opened
// the dialog, whose error then said the same sentence twice.
it('suggests a free name, selected so typing replaces it, and is disabled, saying why, when all 64 slots are taken', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore({ ...(await demoStore(app.client, dir)), write: true });
  const count = app.store.getState().info!.snapshots.length;
  // A snapshot already holds the name the count would suggest.
  expect(await app.store.getState().createSnapshot(`snap-${count + 2}`)).toBeNull();
  render(<App store={app.store} />);
  app.store.getState().navigate('overview');
  await screen.findByRole('heading', { name: 'Snapshots' });

  fireEvent.click(createButton());
  const dialog = await screen.findByRole('dialog', { name: 'Create a snapshot' });
  const input = within(dialog).getByRole('textbox', { name: 'Name' }) as HTMLInputElement;
  expect(input.value).toBe(`snap-${count + 3}`);
  await waitFor(() => expect(document.activeElement).toBe(input));
  expect([input.selectionStart, input.selectionEnd]).toEqual([0, input.value.length]);
  fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));

  // Fill every slot through the API, then the button says why it cannot.
  const session = app.store.getState().session!.session;
  for (let i = count + 1; i < 64; i++) await app.client.snapshotCreate({ session, name: `fill-${i}` });
  await app.store.getState().refreshInfo();
  await until(app.store, (s) => s.info!.snapshots.length === 64);
  await waitFor(() => expect(createButton().disabled).toBe(true));
  expect(createButton().title).toBe('All 64 snapshot slots are taken: delete or merge a snapshot first');
});
