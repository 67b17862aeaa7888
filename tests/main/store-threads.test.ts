import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Envelope, JobInfo, SessionDto, StoreInfo } from '../../src-core/api/contract.ts';
import { EngineHost } from '../../src-main/host/engine-host.ts';
import { persistentPair, tablePersistent, tempDir } from './fixtures.ts';

/** One engine thread per open store: a long synchronous call on one store stalls no other. */
let host: EngineHost | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await host?.dispose();
  host = null;
  // Not awaited: unlinking the big sparse file can take seconds on a busy disk.
  for (const d of dirs.splice(0)) void fs.promises.rm(d, { recursive: true, force: true });
});

const ok = <T>(r: Envelope<unknown>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.result as T;
};
const timed = async (call: () => Promise<Envelope<unknown>>): Promise<{ ms: number; r: Envelope<unknown> }> => {
  const t = performance.now();
  const r = await call();
  return { ms: performance.now() - t, r };
};
/** The bound for a call another store does not hold up: generous for loaded CI, far under the blocking scan. */
const PROMPT_MS = 300;

it("answers another store's info and hello while one store's open scan blocks its thread, and cancels that scan", async () => {
  const a = tempDir();
  const b = tempDir();
  dirs.push(a, b);
  const big = tablePersistent(a, 2_000_000); // its open scan is one synchronous call of ~0.5 s or more
  const small = persistentPair(b);
  host = new EngineHost({ mode: 'local', version: 'test', dataDir: b, helper: { launcher: null, note: null } });
  const engine = host;
  const latest = new Map<string, JobInfo>();
  let scanning: () => void = () => {};
  const scanSeen = new Promise<void>((resolve) => (scanning = resolve));
  engine.subscribe((e) => {
    if (e.type !== 'job') return;
    latest.set(e.job.id, e.job);
    if (e.job.kind === 'open' && e.job.progress.phase === 'scan' && e.job.label.includes(big)) scanning();
  });

  const sb = ok<SessionDto>(await engine.call('open', { cow: small.cow, origin: small.origin }));
  const openA = ok<JobInfo>(await engine.call('openStart', { cow: big }));
  await scanSeen;
  const answers: number[] = [];
  for (let i = 0; i < 3; i++) {
    const info = await timed(() => engine.call('info', { session: sb.session }));
    expect(ok<StoreInfo>(info.r).format).toBe('persistent');
    const hello = await timed(() => engine.call('hello', {}));
    expect(ok<{ version: string }>(hello.r).version).toBe('test');
    const jobs = await timed(() => engine.call('jobs', {}));
    expect(ok<{ jobs: JobInfo[] }>(jobs.r).jobs.map((j) => j.id)).toContain(openA.id);
    answers.push(info.ms, hello.ms, jobs.ms);
  }
  // The answers came while A's scan was still running: they did not wait for it.
  expect(latest.get(openA.id)?.endedAt).toBeNull();
  expect(Math.max(...answers)).toBeLessThan(PROMPT_MS);

  // A's cancel reaches the blocked thread (its own cancel board) and the scan stops.
  const cancel = await timed(async () => {
    await engine.call('jobCancel', { job: openA.id });
    return engine.call('jobWait', { job: openA.id });
  });
  expect(ok<JobInfo>(cancel.r)).toMatchObject({ id: openA.id, state: 'cancelled', error: { code: 'cancelled' } });
  expect(cancel.ms).toBeLessThan(PROMPT_MS);
  // Nothing of A stays open: its thread stopped; B's is untouched.
  expect(ok<{ sessions: SessionDto[] }>(await engine.call('sessions', {})).sessions.map((s) => s.session)).toEqual([sb.session]);
  expect(engine.threads).toBe(2);
}, 120_000);

it('routes sessions, jobs and events across store threads, and stops a store thread when its store closes', async () => {
  const a = tempDir();
  const b = tempDir();
  dirs.push(a, b);
  const tableA = tablePersistent(a, 100_000);
  const pairB = persistentPair(b);
  host = new EngineHost({ mode: 'local', version: 'test', dataDir: b, helper: { launcher: null, note: null } });
  const engine = host;
  const opened: string[] = [];
  const changed: string[] = [];
  engine.subscribe((e) => {
    if (e.type === 'session-opened') opened.push(e.session.session);
    if (e.type === 'store-changed') changed.push(e.session);
  });
  const sa = ok<SessionDto>(await engine.call('open', { cow: tableA }));
  const sb = ok<SessionDto>(await engine.call('open', { cow: pairB.cow, origin: pairB.origin, write: true }));
  expect(sa.session).not.toBe(sb.session);
  expect(engine.threads).toBe(3);
  // The same store by another path is the same session, in the same thread.
  const link = path.join(a, 'link.cow');
  fs.symlinkSync(tableA, link);
  expect(ok<SessionDto>(await engine.call('open', { cow: link })).session).toBe(sa.session);
  expect(engine.threads).toBe(3);

  // A write to B: its event and its info come from B's thread; `sessions` follows the change.
  const written = ok<StoreInfo>(await engine.call('writeChunk', { session: sb.session, to: 'origin', chunk: 3, fill: 7 }));
  expect(changed).toContain(sb.session);
  const listed = ok<{ sessions: SessionDto[] }>(await engine.call('sessions', {})).sessions;
  expect(listed.map((s) => s.session)).toEqual([sa.session, sb.session]);
  expect(listed[1]!.info).toEqual(written);
  expect(listed[0]!.info.exceptions).toBe(100_000);
  // A reload is the same session in the same thread, one generation on.
  const reloaded = ok<SessionDto>(await engine.call('reload', { session: sb.session }));
  expect(reloaded.generation).toBeGreaterThan(listed[1]!.generation ?? 0);
  expect(ok<{ sessions: SessionDto[] }>(await engine.call('sessions', {})).sessions[1]).toEqual(reloaded);
  expect(engine.threads).toBe(3);

  // Each thread counts its jobs from job-1; the host's ids stay distinct and route back.
  const ca = ok<JobInfo>(await engine.call('check', { session: sa.session }));
  const cb = ok<JobInfo>(await engine.call('check', { session: sb.session }));
  expect(ca.id).not.toBe(cb.id);
  const doneA = ok<JobInfo>(await engine.call('jobWait', { job: ca.id }));
  const doneB = ok<JobInfo>(await engine.call('jobWait', { job: cb.id }));
  expect([doneA.session, doneA.state, doneB.session, doneB.state]).toEqual([sa.session, 'done', sb.session, 'done']);
  const ids = ok<{ jobs: JobInfo[] }>(await engine.call('jobs', {})).jobs.map((j) => j.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(await engine.call('jobWait', { job: 'job-999' })).toMatchObject({ ok: false, error: { code: 'unknown-job' } });

  // A COW inspected without a session runs in a thread of its own, stopped when its job ends.
  const loose = ok<JobInfo>(await engine.call('stats', { cow: tableA }));
  expect(ok<JobInfo>(await engine.call('jobWait', { job: loose.id })).state).toBe('done');
  await until(() => engine.threads === 3);

  // Closing A stops its thread; its session is unknown afterwards; B still answers.
  expect(ok(await engine.call('close', { session: sa.session }))).toEqual({});
  expect(engine.threads).toBe(2);
  expect(await engine.call('info', { session: sa.session })).toMatchObject({ ok: false, error: { code: 'unknown-session' } });
  expect(ok<StoreInfo>(await engine.call('info', { session: sb.session }))).toEqual(written);
  expect(ok<JobInfo>(await engine.call('jobWait', { job: ca.id })).state).toBe('done'); // an ended job outlives its thread
  // Reopened, A gets a new session in a new thread.
  const again = ok<SessionDto>(await engine.call('open', { cow: tableA }));
  expect(again.session).not.toBe(sa.session);
  expect(engine.threads).toBe(3);
  expect(opened).toEqual([sa.session, sb.session, again.session]);
}, 120_000);

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
}
