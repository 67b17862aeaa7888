import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { appOverEngine, demoStore, tempDir } from './fixtures.ts';

let service: EngineService | undefined;
afterEach(async () => {
  await service?.dispose();
});

// A name in use got the generic 'usage' hint ("The request does not fit this store or device;
// the message says what to change"), which tells the user nothing the message does not.
it('a name another snapshot holds: create and rename say names are unique and to pick another', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore({ ...(await demoStore(app.client, dir)), write: true });
  const hint = 'Each snapshot of a store has its own name: choose one no other snapshot has (the Overview lists them).';
  const created = await app.store.getState().createSnapshot('base');
  expect(created?.message).toBe('a snapshot named "base" exists already');
  expect(created?.hint).toBe(hint);
  const renamed = await app.store.getState().renameSnapshot('nightly', 'base');
  expect(renamed?.hint).toBe(hint);
});
