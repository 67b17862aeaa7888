import fs from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import type { ApiEvent, JobInfo, SessionDto } from '../../src-core/api/contract.ts';
import { EngineHost } from '../../src-main/host/engine-host.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { inProcess, tablePersistent, tempDir } from './fixtures.ts';

/** Opening a store is a job: phases 'open' then 'scan', progress events, cancel mid-scan. */
let service: EngineService | null = null;
let host: EngineHost | null = null;
afterEach(async () => {
  await service?.dispose();
  await host?.dispose();
  service = host = null;
});

const openJobs = (events: ApiEvent[]): JobInfo[] => events.flatMap((e) => (e.type === 'job' && e.job.kind === 'open' ? [e.job] : []));
const openFds = (): number => fs.readdirSync('/proc/self/fd').length;

it('reports the open and the table scan as a job, and answers the session', async () => {
  const dir = tempDir();
  const cow = tablePersistent(dir, 3200); // 100 metadata areas of 32 exceptions
  const r = inProcess(dir);
  service = r.service;
  const events: ApiEvent[] = [];
  r.client.onEvent((e) => events.push(e));

  const s = await r.client.open({ cow });
  expect(s.info.exceptions).toBe(3200);
  const updates = openJobs(events);
  expect(updates[0]).toMatchObject({ state: 'running', label: `open ${cow}`, canPause: false, progress: { phase: 'open' } });
  const scans = updates.filter((u) => u.progress.phase === 'scan');
  expect(scans.some((u) => u.state === 'running' && u.progress.done < u.progress.total)).toBe(true); // sent from inside the scan
  const done = scans.map((u) => u.progress.done);
  expect(done).toEqual([...done].sort((a, b) => a - b));
  expect(updates.at(-1)).toMatchObject({ state: 'done', result: { session: s.session, cow } });

  // openStart answers the job at once; an open of a COW already open gives its session.
  const job = await r.client.openStart({ cow });
  expect(job).toMatchObject({ kind: 'open', state: 'running', result: null });
  const end = await r.client.jobWait({ job: job.id });
  expect(end.kind === 'open' && end.result?.session).toBe(s.session);
});

it('cancels an open in the middle of its scan: the call fails, nothing stays open', async () => {
  const dir = tempDir();
  const cow = tablePersistent(dir, 3200);
  const r = inProcess(dir);
  service = r.service;
  const fds = openFds();
  let cancelledAt: JobInfo | null = null;
  r.client.onEvent((e) => {
    // In process the scan blocks this thread: a listener is the only one who can cancel during it.
    if (e.type === 'job' && e.job.kind === 'open' && e.job.progress.phase === 'scan' && !cancelledAt) {
      cancelledAt = e.job;
      void r.service.call('jobCancel', { job: e.job.id });
    }
  });
  await expect(r.client.open({ cow })).rejects.toMatchObject({ code: 'cancelled' });
  expect(cancelledAt!.progress.done).toBeLessThan(cancelledAt!.progress.total);
  const end = await r.client.jobWait({ job: cancelledAt!.id });
  expect(end.state).toBe('cancelled');
  expect(end.progress.done).toBeLessThan(end.progress.total);
  expect((await r.client.sessions({})).sessions).toEqual([]);
  expect(openFds()).toBe(fds);
});

it('cancels an open whose scan blocks the engine thread (the cancel goes through shared memory)', async () => {
  const dir = tempDir();
  const cow = tablePersistent(dir, 1_000_000); // 31250 areas: the scan takes a while
  host = new EngineHost({ mode: 'local', version: 'test', dataDir: dir, helper: { launcher: null, note: null } });
  const engine = host;
  let id = '';
  const scanned: JobInfo[] = [];
  engine.subscribe((e) => {
    if (e.type !== 'job' || e.job.id !== id || e.job.progress.phase !== 'scan') return;
    scanned.push(e.job);
    if (scanned.length === 1) void engine.call('jobCancel', { job: id });
  });
  const started = await engine.call('openStart', { cow });
  if (!started.ok) throw new Error(started.error.message);
  id = (started.result as JobInfo).id;
  const end = await engine.call('jobWait', { job: id });
  expect(end).toMatchObject({ ok: true, result: { state: 'cancelled', error: { code: 'cancelled' } } });
  const last = (end as { result: JobInfo }).result.progress;
  expect(last.done).toBeLessThan(last.total);
  expect(await engine.call('sessions', {})).toEqual({ ok: true, result: { sessions: [] } });
  // The engine thread is free again: a second open runs to the end.
  const opened = await engine.call('open', { cow });
  expect(opened.ok && (opened.result as SessionDto).info.exceptions).toBe(1_000_000);
});
