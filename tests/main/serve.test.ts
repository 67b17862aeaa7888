import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CHANNELS, type ApiEvent, type WireServerMessage } from '../../src-core/api/contract.ts';
import { startServer, type RunningServer } from '../../src-main/server/server.ts';
import { persistentPair, tempDir } from './fixtures.ts';

let server: RunningServer;
let paths: { cow: string; origin: string };
const lines: string[] = [];

beforeAll(async () => {
  const dir = tempDir();
  paths = persistentPair(dir);
  process.env['XDG_DATA_HOME'] = dir;
  // The real engine in its worker thread, over a real socket; no UI build (the renderer's tests do that).
  server = await startServer({ cow: paths.cow, origin: paths.origin, write: true, buildUi: false, uiDir: dir, runtimeDir: `${dir}/run`, log: (l) => lines.push(l) });
});
afterAll(async () => server?.close());

const call = (method: string, args: unknown, auth: Record<string, string> = { authorization: `Bearer ${server.token}` }) =>
  fetch(`http://127.0.0.1:${server.port}${CHANNELS.httpCall}${method}`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(args) });

it('prints exactly one serving line with the tokened URL', () => {
  expect(lines).toEqual([`snapscope: serving http://127.0.0.1:${server.port}/?token=${server.token}`]);
  expect(server.token).toMatch(/^[0-9a-f]{48}$/);
});

it('answers calls with the token, refuses them without or with a wrong one', async () => {
  const ok = (await (await call('sessions', {})).json()) as { ok: boolean; result: { sessions: { cow: string }[] } };
  expect(ok.ok).toBe(true);
  expect(ok.result.sessions[0]?.cow).toBe(paths.cow);
  expect((await call('sessions', {}, {})).status).toBe(401);
  expect((await call('sessions', {}, { authorization: `Bearer ${'0'.repeat(48)}` })).status).toBe(401);
  expect((await fetch(`http://127.0.0.1:${server.port}/?token=wrong`)).status).toBe(401);
  const bad = (await (await call('info', { session: 42 })).json()) as { ok: boolean; error: { code: string } };
  expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
});

it('sets a cookie on the first tokened request that later requests can use', async () => {
  const first = await fetch(server.url);
  const cookie = first.headers.get('set-cookie')?.split(';')[0] ?? '';
  expect(cookie).toBe(`${CHANNELS.cookie}_${server.port}=${server.token}`);
  expect((await call('hello', {}, { cookie })).status).toBe(200);
});

it('refuses a non-loopback bind', async () => {
  await expect(startServer({ host: '0.0.0.0', buildUi: false })).rejects.toThrow(/127\.0\.0\.1 only/);
});

it('pushes events over the WebSocket and takes calls on it', async () => {
  const refused = new WebSocket(`ws://127.0.0.1:${server.port}${CHANNELS.ws}`);
  await expect(new Promise((ok, fail) => (refused.on('open', ok), refused.on('error', fail)))).rejects.toThrow();
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}${CHANNELS.ws}?token=${server.token}`);
  const messages: WireServerMessage[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d)) as WireServerMessage));
  await new Promise((ok) => ws.on('open', ok));
  const session = ((await (await call('sessions', {})).json()) as { result: { sessions: { session: string }[] } }).result.sessions[0]!.session;
  await call('writeChunk', { session, to: 'origin', chunk: 5, fill: 9 });
  ws.send(JSON.stringify({ type: 'call', id: 7, method: 'info', args: { session } }));
  await new Promise((ok) => setTimeout(ok, 300));
  const events = messages.filter((m): m is { type: 'event'; event: ApiEvent } => m.type === 'event').map((m) => m.event);
  expect(events.some((e) => e.type === 'store-changed' && e.reason === 'write')).toBe(true);
  const result = messages.find((m) => m.type === 'result' && m.id === 7);
  expect(result).toMatchObject({ response: { ok: true, result: { exceptions: 1 } } });
  ws.close();
});
