import { afterEach, expect, it } from 'vitest';
import { createClient, type ApiEvent, type UiCommand } from '../../src-core/api/contract.ts';
import { EngineService } from '../../src-main/host/engine-service.ts';
import { createAppStore } from '../../src-renderer/store/index.ts';
import { demoStore, kernelFixture, tempDir, until } from './fixtures.ts';

let service: EngineService | undefined;
afterEach(async () => service?.dispose());

/** The app over the real engine, plus what Electron's main process does for a menu item: a 'ui' event. */
function appWithMenu(dataDir: string) {
  service = new EngineService({ mode: 'local', version: 'test', dataDir, helper: { launcher: null, note: 'renderer tests' } });
  const engine = service;
  const menuListeners = new Set<(e: ApiEvent) => void>();
  const client = createClient({
    call: (method, args) => engine.call(method, args),
    subscribe(listener) {
      menuListeners.add(listener);
      const off = engine.subscribe(listener);
      return () => {
        menuListeners.delete(listener);
        off();
      };
    },
  });
  const menu = (command: UiCommand, session?: string): void => {
    for (const l of menuListeners) l({ type: 'ui', command, ...(session ? { session } : {}) });
  };
  return { client, store: createAppStore(client), menu };
}

it('View menu items switch views, but not to one the open store has no use for', async () => {
  const dir = tempDir();
  const { client, store, menu } = appWithMenu(dir);
  await store.getState().openStore(await demoStore(client, dir));
  menu('view-btree');
  expect(store.getState().route).toBe('btree');
  menu('view-bitmap');
  expect(store.getState().route).toBe('bitmap');
  menu('view-persistent'); // a shared store has no exception table
  expect(store.getState().route).toBe('bitmap');
  menu('view-teach');
  expect(store.getState().route).toBe('teach');
});

it('zoom, search and about are handed to the view on screen', async () => {
  const dir = tempDir();
  const { client, store, menu } = appWithMenu(dir);
  await store.getState().openStore(await demoStore(client, dir));
  menu('zoom-in');
  const first = store.getState().zoomCommand;
  expect(first?.kind).toBe('in');
  menu('zoom-in');
  expect(store.getState().zoomCommand).not.toBe(first); // the same zoom twice is two commands
  menu('zoom-reset');
  expect(store.getState().zoomCommand?.kind).toBe('reset');
  menu('search');
  expect(store.getState()).toMatchObject({ route: 'btree', searchPending: true });
  menu('about');
  expect(store.getState().aboutOpen).toBe(true);
});

it('File › Open (done by the main process) shows that store; File › Close goes back to Start', async () => {
  const dir = tempDir();
  const { client, store, menu } = appWithMenu(dir);
  await store.getState().openStore(await demoStore(client, dir));
  store.getState().navigate('btree');
  // The main process opened another store from its dialog, then told the window.
  const other = await client.open(kernelFixture('p-basic-c8', dir));
  menu('open-store', other.session);
  await until(store, (s) => s.session?.session === other.session);
  expect(store.getState()).toMatchObject({ route: 'overview', info: { format: 'persistent' } });
  menu('close-store');
  await until(store, (s) => s.session === null);
  expect(store.getState().route).toBe('start');
});
