import { afterEach, expect, it } from 'vitest';
import { createClient, type Method } from '../../src-core/api/contract.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { createAppStore } from '../../src-renderer/store/index.ts';
import { appOverEngine, demoStore, tempDir } from './fixtures.ts';

let service: EngineService | undefined;
afterEach(async () => {
  await service?.dispose();
});

// Every store change (a merge reports about ten a second) started another whole-device summary
// pass while the earlier ones still ran: the engine thread, which answers calls one after another,
// was kept busy with passes whose results were thrown away, and a page full of snapshots slowed to
// a crawl. One pass at a time; the changes that came meanwhile get one more, for the newest state.
it('a burst of store changes runs one summary pass at a time and ends with one of the newest state', async () => {
  const dir = tempDir();
  const { service: engine } = appOverEngine(dir);
  service = engine;
  let running = 0;
  let most = 0;
  const revisions: number[] = [];
  const client = createClient({
    call: async (method: Method, args: unknown) => {
      if (method !== 'occupancy') return engine.call(method, args);
      revisions.push(store.getState().revision);
      most = Math.max(most, ++running);
      try {
        return await engine.call(method, args);
      } finally {
        running--;
      }
    },
    subscribe: (listener) => engine.subscribe(listener),
  });
  const store = createAppStore(client);
  await store.getState().openStore({ ...(await demoStore(client, dir)), write: true });

  const loads: Promise<void>[] = [];
  for (let i = 0; i < 12; i++) {
    await store.getState().createSnapshot(`burst-${i}`);
    loads.push(store.getState().loadOccupancySummary());
  }
  await Promise.all(loads);
  expect(most).toBe(1);
  expect(revisions.length).toBeLessThan(12);
  expect(revisions.at(-1)).toBe(store.getState().revision);
  expect(store.getState().occupancySummary).not.toBeNull();
});
