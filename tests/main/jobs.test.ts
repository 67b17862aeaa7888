import { afterEach, expect, it } from 'vitest';
import type { ApiEvent, JobInfo } from '../../src-core/api/contract.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { inProcess, persistentPair, tempDir } from './fixtures.ts';

let service: EngineService;
afterEach(async () => service?.dispose());

it('random writes: progress is monotonic, cancel leaves a consistent store, writers are exclusive', async () => {
  const dir = tempDir();
  const { cow, origin } = persistentPair(dir, 4096, 16 << 20, 8 << 20);
  const r = inProcess(dir);
  service = r.service;
  const c = r.client;
  const updates: JobInfo[] = [];
  c.onEvent((e: ApiEvent) => e.type === 'job' && updates.push(e.job));
  const s = await c.open({ cow, origin, write: true });
  const job = await c.randomWrites({ session: s.session, to: 'origin', count: 200_000, seed: 7, commitEvery: 50 });
  await expect(c.writeChunk({ session: s.session, to: 'origin', chunk: 0, fill: 1 })).rejects.toMatchObject({ code: 'busy' });
  await new Promise((ok) => setTimeout(ok, 150));
  await c.jobCancel({ job: job.id });
  const end = await c.jobWait({ job: job.id });
  expect(end.state).toBe('cancelled');
  expect(end.error?.code).toBe('cancelled');
  const done = updates.filter((u) => u.id === job.id).map((u) => u.progress.done);
  expect(done.length).toBeGreaterThan(1);
  for (let i = 1; i < done.length; i++) expect(done[i]!).toBeGreaterThanOrEqual(done[i - 1]!);
  expect(end.progress.done % 50).toBe(0); // stopped between commits
  // The store is consistent: the checker finds nothing, and a reopen sees the same exceptions.
  const check = await c.jobWait({ job: (await c.check({ session: s.session })).id });
  expect(check.state).toBe('done');
  expect(check.kind === 'check' && check.result?.clean).toBe(true);
  const exceptions = (await c.info({ session: s.session })).exceptions;
  await c.close({ session: s.session });
  const again = await c.open({ cow, origin });
  expect(again.info.exceptions).toBe(exceptions);
});

it('merge: a dry run plans, a merge runs as a job to the end', async () => {
  const dir = tempDir();
  const { cow, origin } = persistentPair(dir);
  const r = inProcess(dir);
  service = r.service;
  const c = r.client;
  const s = await c.open({ cow, origin, write: true });
  for (const chunk of [2, 3, 4, 9]) await c.writeChunk({ session: s.session, to: 'snap', chunk, fill: chunk });
  const plan = await c.jobWait({ job: (await c.merge({ session: s.session, snapshot: 'snap', dryRun: true })).id });
  expect(plan.kind === 'merge' && plan.result).toMatchObject({ dryRun: true, chunks: 4 });
  const merged = await c.jobWait({ job: (await c.merge({ session: s.session, snapshot: 'snap' })).id });
  expect(merged.state).toBe('done');
  expect((await c.info({ session: s.session })).exceptions).toBe(0);
  const data = Buffer.from((await c.readChunk({ session: s.session, from: 'origin', chunk: 9 })).data, 'base64');
  expect(data.every((b) => b === 9)).toBe(true);
});
