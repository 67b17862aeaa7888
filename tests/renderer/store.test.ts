import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { appOverEngine, kernelFixture, tempDir, until } from './fixtures.ts';

let service: EngineService | undefined;
afterEach(async () => service?.dispose());

it('opens a kernel store: info, occupancy buckets and table pages agree with the engine', async () => {
  const dir = tempDir();
  const { cow, origin } = kernelFixture('p-multiarea-c8', dir);
  const app = appOverEngine(dir);
  service = app.service;
  const s = app.store.getState();
  await s.init();
  expect(await s.openStore({ cow, origin })).toBe(true);
  const { info, route, session } = app.store.getState();
  expect(route).toBe('overview');
  expect(session?.write).toBe(false);
  expect(info).toEqual(await app.client.info({ session: session!.session }));
  expect(info?.exceptions).toBe(705);

  await s.loadOccupancy(0, info!.chunkCount, 100);
  const occ = app.store.getState().occupancy!;
  const sum = Object.values(occ.counts).reduce((a, arr) => a + arr.reduce((x, y) => x + y, 0), 0);
  expect(sum).toBe(info!.chunkCount);

  s.setQuery({ sort: 'origin', descending: true });
  await until(app.store, (st) => st.pages.has(0));
  const rows = app.store.getState().pages.get(0)!;
  expect(app.store.getState().matched).toBe(705);
  for (let i = 1; i < rows.length; i++) expect(rows[i]!.origin).toBeLessThanOrEqual(rows[i - 1]!.origin);

  s.setQuery({ originFrom: 100, originTo: 199 });
  await until(app.store, (st) => st.pages.has(0) && st.query.originFrom === 100);
  await until(app.store, (st) => (st.pages.get(0) ?? []).every((r) => r.origin >= 100 && r.origin <= 199));
  expect(app.store.getState().activity.some((a) => a.label.startsWith('open') && a.status === 'ok')).toBe(true);
});

it('a write on a read-only store comes back as a readable error with what to do', async () => {
  const dir = tempDir();
  const { cow, origin } = kernelFixture('p-basic-c8', dir);
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore({ cow, origin });
  const err = await app.store.getState().deleteSnapshot(0, "'snap'");
  expect(err).not.toBeNull();
  expect(err!.hint.length).toBeGreaterThan(10);
  expect(app.store.getState().activity[0]?.status).toBe('error');
});

it('merges a kernel store live: job events drive the merge run to done and the store refreshes', async () => {
  const dir = tempDir();
  const { cow, origin } = kernelFixture('p-merge-full', dir);
  const app = appOverEngine(dir);
  service = app.service;
  const s = app.store.getState();
  await s.openStore({ cow, origin, write: true });
  const before = app.store.getState().info!;
  expect(before.exceptions).toBeGreaterThan(0);
  await s.startMerge(0, 'snap');
  const job = app.store.getState().merge!.job;
  await until(app.store, (st) => st.jobs[job]?.state === 'done');
  await until(app.store, (st) => st.info?.exceptions === 0);
  const done = app.store.getState().jobs[job]!;
  expect(done.progress.done).toBe(done.progress.total);
  expect(app.store.getState().activity.find((a) => a.job === job)?.status).toBe('ok');
});
