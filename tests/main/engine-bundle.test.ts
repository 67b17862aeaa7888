import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Envelope, ExceptionTableResult, SessionDto, StoreInfo } from '../../src-core/api/contract.ts';
import { EngineHost } from '../../src-main/host/engine-host.ts';
import { workerScript } from '../../src-main/host/engine-thread.ts';
import { tablePersistent, tempDir } from './fixtures.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CACHE = path.join(ROOT, 'node_modules/.cache/snapscope-cli');
const saved = process.env['SNAPSCOPE_ENGINE_WORKER'];
let host: EngineHost | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await host?.dispose();
  host = null;
  if (saved === undefined) delete process.env['SNAPSCOPE_ENGINE_WORKER'];
  else process.env['SNAPSCOPE_ENGINE_WORKER'] = saved;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const ok = <T>(r: Envelope<unknown>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.result as T;
};

it("store threads run from the launcher's engine bundle when it names one, from the sources otherwise", async () => {
  // The launcher builds the bundle before anything runs (as before `snapscope serve`).
  execFileSync(process.execPath, [path.join(ROOT, 'bin/snapscope.mjs'), '--version'], { cwd: ROOT });
  const stamp = JSON.parse(fs.readFileSync(path.join(CACHE, 'stamp.json'), 'utf8')) as { dir: string };
  const bundle = path.join(CACHE, stamp.dir, 'engine-worker.mjs');
  expect(fs.existsSync(bundle)).toBe(true);

  process.env['SNAPSCOPE_ENGINE_WORKER'] = bundle;
  expect(workerScript()).toBe(bundle);
  const dir = tempDir();
  dirs.push(dir);
  const cow = tablePersistent(dir, 3000);
  host = new EngineHost({ mode: 'local', version: 'test', dataDir: dir, helper: { launcher: null, note: null } });
  const s = ok<SessionDto>(await host.call('open', { cow }));
  expect(ok<StoreInfo>(await host.call('info', { session: s.session })).exceptions).toBe(3000);
  const page = ok<ExceptionTableResult>(await host.call('exceptionTable', { session: s.session, offset: 0, limit: 5, sort: 'origin', descending: true }));
  expect(page.matched).toBe(3000);
  expect(page.rows.map((r) => r.origin)).toEqual([...page.rows.map((r) => r.origin)].sort((a, b) => b - a));

  // Told the sources (bench:ui's reference), or named a bundle an old server's rebuild removed.
  process.env['SNAPSCOPE_ENGINE_WORKER'] = '';
  expect(String(workerScript())).toMatch(/src-main\/host\/worker-entry\.mjs$/);
  process.env['SNAPSCOPE_ENGINE_WORKER'] = path.join(dir, 'gone', 'engine-worker.mjs');
  expect(String(workerScript())).toMatch(/src-main\/host\/worker-entry\.mjs$/);
});
