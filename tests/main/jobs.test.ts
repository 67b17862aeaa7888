import { afterEach, expect, it } from 'vitest';
import type { ApiEvent, JobInfo } from '../../src-core/api/contract.ts';
import type { Task } from '../../src-core/jobs/job.ts';
import { CancelBoard } from '../../src-main/host/cancel-board.ts';
import { EngineService } from '../../src-main/host/engine-service.ts';
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

/** A task of `n` steps, each `ms` long (a busy wait, as a merge's batch blocks its thread). */
function slowTask(n: number, ms: number): Task<number> & { at: number } {
  return {
    at: 0,
    step() {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        /* a step's synchronous work */
      }
      return ++this.at >= n;
    },
    progress() {
      return { phase: 'count', done: this.at, total: n, unit: 'items' };
    },
    result() {
      return this.at;
    },
  };
}

// On an engine thread, a page's calls (occupancy reads) queued before a jobPause message ran first:
// the pause, already on the board, was confirmed 0.35 s late on a loaded machine.
it('a pause on the board holds and is confirmed, with the figures where the job stopped, before the next call is served', async () => {
  const board = new CancelBoard();
  service = new EngineService({ mode: 'local', version: 'test', dataDir: tempDir(), helper: { launcher: null, note: 'tests' }, cancelBoard: board.buffer });
  const events: JobInfo[] = [];
  service.subscribe((e) => e.type === 'job' && events.push(e.job));
  const task = slowTask(1000, 5);
  const { id } = service.context.jobs.start({ kind: 'random-writes', session: null, label: 'slow', task: task as unknown as Task<never>, canPause: true });
  await new Promise((ok) => setTimeout(ok, 60));
  expect(task.at).toBeGreaterThan(0);
  board.requestPause(id); // what EngineHost does before it sends jobPause
  void service.call('jobs', {});
  // Synchronously: the call's first turn paused the job and said so.
  const said = events.at(-1)!;
  expect(said).toMatchObject({ id, state: 'paused', progress: { done: task.at } });
  await new Promise((ok) => setTimeout(ok, 60));
  expect(task.at).toBe(said.progress.done);
  expect(events.at(-1)).toMatchObject({ state: 'paused', progress: { done: said.progress.done } });
  await service.call('jobCancel', { job: id });
});

it('a job that cannot pause (the open scan) ignores a pause on the board', async () => {
  const board = new CancelBoard();
  service = new EngineService({ mode: 'local', version: 'test', dataDir: tempDir(), helper: { launcher: null, note: 'tests' }, cancelBoard: board.buffer });
  const { id } = service.context.jobs.start({ kind: 'open', session: null, label: 'open', task: slowTask(20, 2) as unknown as Task<never>, canPause: false });
  board.requestPause(id);
  void service.call('jobs', {});
  const ended = await Promise.race([service.context.jobs.wait(id), new Promise<null>((ok) => setTimeout(() => ok(null), 2000))]);
  expect(ended?.state).toBe('done');
});
