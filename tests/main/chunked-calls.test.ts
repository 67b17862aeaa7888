import fs from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { makeBigStore } from '../../e2e/big-store.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { orderBy, orderByChunked } from '../../src-main/host/sort-order.ts';
import { inProcess, tempDir } from './fixtures.ts';

let service: EngineService | undefined;
let dir: string | undefined;
afterEach(async () => {
  await service?.dispose();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A million-exception store opened through an in-process API (closed by afterEach). */
async function openBigStore() {
  dir = tempDir();
  const store = makeBigStore(dir);
  const r = inProcess(dir);
  service = r.service;
  const c = r.client;
  return { store, c, s: await c.open({ cow: store.cow }) };
}

it('the chunked sort orders like the one-go sort, and gives up when its keys change', async () => {
  let x = 12345;
  const key = Float64Array.from({ length: 700_000 }, () => ((x = (x * 1103515245 + 12345) >>> 0), x % 3_000_000));
  const chunked = (await orderByChunked(key, () => false))!;
  const once = orderBy(key);
  let same = chunked.length === once.length;
  for (let i = 0; same && i < once.length; i++) same = chunked[i] === once[i];
  expect(same).toBe(true);
  let asked = 0;
  expect(await orderByChunked(key, () => ++asked > 1)).toBeNull();
});

it("another client's info is answered while a million-exception index builds, and the build's answer is right", async () => {
  const { store, c, s } = await openBigStore();
  const order: string[] = [];
  // The first owners query builds the index (a walk of every leaf and a sort, in slices).
  const owners = c.occupancy({ session: s.session, start: 0, end: store.chunkCount, buckets: 8, bySnapshot: true }).then((o) => (order.push('owners'), o));
  await new Promise((resolve) => setImmediate(resolve));
  const info = await c.info({ session: s.session });
  order.push('info');
  const o = await owners;
  expect(order).toEqual(['info', 'owners']);
  const counted = o.owners!.slots.flatMap((x) => x.counts).reduce((a, b) => a + b, 0) + o.owners!.shared.reduce((a, b) => a + b, 0);
  expect(counted).toBe(info.exceptions);
  expect(info.exceptions).toBe(store.exceptions);
});

it("another client's info is answered while a check of the same million-exception store runs", async () => {
  const { store, c, s } = await openBigStore();
  const job = await c.check({ session: s.session });
  const order: string[] = [];
  const ended = c.jobWait({ job: job.id }).then((j) => (order.push('check'), j));
  await new Promise((resolve) => setImmediate(resolve));
  const info = await c.info({ session: s.session });
  order.push('info');
  const running = (await c.jobs({})).jobs.find((j) => j.id === job.id)!;
  expect(running.endedAt).toBeNull();
  expect(info.exceptions).toBe(store.exceptions);
  const done = await ended;
  expect(order).toEqual(['info', 'check']);
  expect(done.state).toBe('done');
});
