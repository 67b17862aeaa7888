// @vitest-environment jsdom
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

// Alt+5 showed Occupancy but left the keyboard where it was (or, when that control went with the
// old view, at the top of the page): the next Tab did not reach the view just opened.
it('a view opened by its Alt shortcut takes the keyboard at its heading', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore(await demoStore(app.client, dir));
  render(<App store={app.store} />);
  app.store.getState().navigate('overview');
  await screen.findByRole('heading', { name: 'Overview', level: 1 });
  screen.getByRole('button', { name: 'Close' }).focus();

  fireEvent.keyDown(window, { key: '5', code: 'Digit5', altKey: true });
  const heading = await screen.findByRole('heading', { name: 'Occupancy', level: 1 });
  await waitFor(() => expect(document.activeElement).toBe(heading));
  fireEvent.keyDown(window, { key: '2', code: 'Digit2', altKey: true });
  await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Overview', level: 1 })));
});

// The search for the new heading went on polling after the app had gone: a test file that ended
// within its frames saw "document is not defined" from a timer of the torn-down page.
it('an app unmounted while it looks for the new heading stops looking', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore(await demoStore(app.client, dir));
  const { unmount } = render(<App store={app.store} />);
  app.store.getState().navigate('overview');
  await screen.findByRole('heading', { name: 'Overview', level: 1 });

  const query = document.querySelector.bind(document);
  let looked = 0;
  document.querySelector = ((selector: string) => {
    if (selector === '#main h1') looked++;
    return query(selector);
  }) as typeof document.querySelector;
  try {
    fireEvent.keyDown(window, { key: '5', code: 'Digit5', altKey: true });
    unmount();
    looked = 0;
    await new Promise((r) => setTimeout(r, 300)); // past the search's ten frames of 16 ms
    expect(looked).toBe(0);
  } finally {
    document.querySelector = query;
  }
});
