import fs from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import type { ApiEvent, Envelope, SessionDto } from '../../src-core/api/contract.ts';
import { EngineHost } from '../../src-main/host/engine-host.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { inProcess, persistentPair, tempDir } from './fixtures.ts';

/** Structural events are built for clients only while some client hears them. */
let service: EngineService | null = null;
let host: EngineHost | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await service?.dispose();
  await host?.dispose();
  service = host = null;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const ok = <T>(r: Envelope<unknown>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.result as T;
};

it('a session keeps no structural events while no client listens, and does again once one does', async () => {
  const dir = tempDir();
  dirs.push(dir);
  const pair = persistentPair(dir);
  const r = inProcess(dir);
  service = r.service;
  const seen: ApiEvent[] = [];
  service.subscribe((e) => seen.push(e));
  const s = await r.client.open({ cow: pair.cow, origin: pair.origin, write: true });

  service.context.audience.listening = false;
  await r.client.writeChunk({ session: s.session, to: 'origin', chunk: 1, fill: 1 });
  expect(seen.filter((e) => e.type === 'structural')).toEqual([]);
  // Store changes still go out (the sessions list keeps its figures from them).
  expect(seen.some((e) => e.type === 'store-changed')).toBe(true);

  service.context.audience.listening = true;
  await r.client.writeChunk({ session: s.session, to: 'origin', chunk: 2, fill: 2 });
  expect(seen.filter((e) => e.type === 'structural').length).toBe(1);
});

it('through engine threads: structural events reach a client that subscribes after the store opened, and stop with the last one', async () => {
  const dir = tempDir();
  dirs.push(dir);
  const pair = persistentPair(dir);
  host = new EngineHost({ mode: 'local', version: 'test', dataDir: dir, helper: { launcher: null, note: null } });
  const s = ok<SessionDto>(await host.call('open', { cow: pair.cow, origin: pair.origin, write: true }));
  ok(await host.call('writeChunk', { session: s.session, to: 'origin', chunk: 1, fill: 1 }));

  const seen: ApiEvent[] = [];
  const off = host.subscribe((e) => seen.push(e));
  ok(await host.call('writeChunk', { session: s.session, to: 'origin', chunk: 2, fill: 2 }));
  await new Promise((resolve) => setTimeout(resolve, 50)); // events come as their own messages
  const batches = seen.filter((e) => e.type === 'structural');
  expect(batches.length).toBe(1);
  off();
  ok(await host.call('writeChunk', { session: s.session, to: 'origin', chunk: 3, fill: 3 }));
  host.subscribe((e) => seen.push(e));
  ok(await host.call('writeChunk', { session: s.session, to: 'origin', chunk: 4, fill: 4 }));
  await new Promise((resolve) => setTimeout(resolve, 50));
  // The write made while nobody listened left nothing behind to be sent later.
  expect(seen.filter((e) => e.type === 'structural').length).toBe(2);
});
