import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { CHANNELS } from '../../src-core/api/contract.ts';
import { tempDir } from './fixtures.ts';

/**
 * `snapscope serve` as a real process: start-up errors end it with one clear line (issue 11
 * point 6), the token survives a restart through the private runtime file (issue 15), and
 * `--open` never puts the token on a command line (issue 12 point 12).
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/snapscope.mjs');
const running: ChildProcess[] = [];
afterEach(() => {
  for (const c of running.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

interface Started {
  child: ChildProcess;
  /** The URL it printed, or null when it exited first. */
  url: Promise<string | null>;
  exit: Promise<{ code: number | null; stderr: string; ms: number }>;
}

function serve(args: string[], env: Record<string, string>): Started {
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<{ code: number | null; stderr: string; ms: number }>((resolve) => child.once('exit', (code) => resolve({ code, stderr: err, ms: Date.now() - t0 })));
  const url = new Promise<string | null>((resolve) => {
    child.stdout!.on('data', () => {
      const m = /snapscope: serving (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exit.then(() => resolve(null));
  });
  return { child, url, exit };
}

function env(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  const ui = path.join(dir, 'ui');
  fs.mkdirSync(ui, { recursive: true });
  fs.writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>snapscope</title>');
  return { XDG_RUNTIME_DIR: path.join(dir, 'xdg'), XDG_DATA_HOME: path.join(dir, 'data'), SNAPSCOPE_UI_DIR: ui, ...extra };
}

async function stop(s: Started): Promise<void> {
  s.child.kill('SIGTERM');
  await s.exit;
}

function oneClearLine(stderr: string): string {
  const text = stderr.trim();
  expect(text.split('\n'), text).toHaveLength(1);
  expect(text).not.toMatch(/internal error|\bat .*:\d+:\d+/);
  return text;
}

it('a port out of range ends serve at once with one clear line', async () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'xdg'));
  for (const port of ['99999', '65536']) {
    const s = serve(['--port', port], env(dir));
    const end = await Promise.race([s.exit, new Promise<null>((r) => setTimeout(() => r(null), 30_000))]);
    expect(end, `serve --port ${port} still running after 30 s`).not.toBeNull();
    expect(end!.code).toBe(2);
    expect(oneClearLine(end!.stderr)).toMatch(new RegExp(`port ${port}`));
  }
}, 70_000);

it('a busy port ends serve at once with one clear line naming it', async () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'xdg'));
  const squatter = net.createServer();
  await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
  const port = (squatter.address() as net.AddressInfo).port;
  try {
    const s = serve(['--port', String(port)], env(dir));
    const end = await Promise.race([s.exit, new Promise<null>((r) => setTimeout(() => r(null), 30_000))]);
    expect(end, 'serve on a busy port still running after 30 s').not.toBeNull();
    expect(end!.code).toBe(1);
    expect(oneClearLine(end!.stderr)).toMatch(new RegExp(`port ${port} .*in use`));
  } finally {
    squatter.close();
  }
}, 40_000);

it('a restarted server keeps the token (runtime file, 0600) and accepts the previous page; --new-token rotates it', async () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'xdg'), { mode: 0o700 });
  const first = serve([], env(dir));
  const url1 = new URL((await first.url)!);
  const token = url1.searchParams.get(CHANNELS.tokenParam)!;
  const page = await fetch(url1);
  const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
  await stop(first);

  const file = path.join(dir, 'xdg', 'snapscope', 'serve-token');
  expect(fs.readFileSync(file, 'utf8').trim()).toBe(token);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);

  // The page of the first server, with its cookie, talks to the second on the same port.
  const second = serve(['--port', url1.port], env(dir));
  expect(new URL((await second.url)!).searchParams.get(CHANNELS.tokenParam)).toBe(token);
  const call = await fetch(`http://127.0.0.1:${url1.port}${CHANNELS.httpCall}sessions`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
  expect(call.status).toBe(200);
  await stop(second);

  const third = serve(['--new-token'], env(dir));
  const rotated = new URL((await third.url)!).searchParams.get(CHANNELS.tokenParam);
  expect(rotated).not.toBe(token);
  expect(fs.readFileSync(file, 'utf8').trim()).toBe(rotated);
  await stop(third);
}, 90_000);

it('a token file readable by others, or a link, is not trusted', async () => {
  const dir = tempDir();
  const run = path.join(dir, 'xdg', 'snapscope');
  fs.mkdirSync(run, { recursive: true, mode: 0o700 });
  const planted = 'a'.repeat(48);
  fs.writeFileSync(path.join(run, 'serve-token'), planted, { mode: 0o644 });
  fs.chmodSync(path.join(run, 'serve-token'), 0o644);
  const s = serve([], env(dir));
  const token = new URL((await s.url)!).searchParams.get(CHANNELS.tokenParam);
  expect(token).not.toBe(planted);
  expect(fs.statSync(path.join(run, 'serve-token')).mode & 0o777).toBe(0o600);
  await stop(s);
}, 40_000);

it('--open puts no token on any command line: the browser gets a private launcher page', async () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'xdg'), { mode: 0o700 });
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const record = path.join(dir, 'opened.json');
  // A stand-in for xdg-open that records what it was given, the mode and content of that file.
  fs.writeFileSync(
    path.join(bin, 'xdg-open'),
    `#!${process.execPath}\nconst fs=require('fs');const u=new URL(process.argv[2]);const f=decodeURIComponent(u.pathname);` +
      `fs.writeFileSync(${JSON.stringify(record)},JSON.stringify({argv:process.argv.slice(2),mode:fs.statSync(f).mode&0o777,page:fs.readFileSync(f,'utf8')}));\n`,
    { mode: 0o755 },
  );
  const s = serve(['--open'], env(dir, { PATH: `${bin}:${process.env['PATH']}` }));
  const url = (await s.url)!;
  const token = new URL(url).searchParams.get(CHANNELS.tokenParam)!;
  const deadline = Date.now() + 20_000;
  while (!fs.existsSync(record) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const opened = JSON.parse(fs.readFileSync(record, 'utf8')) as { argv: string[]; mode: number; page: string };
  expect(opened.argv.join(' ')).not.toContain(token);
  expect(opened.argv[0]).toMatch(/^file:\/\//);
  expect(opened.mode).toBe(0o600);
  expect(opened.page).toContain(url);
  expect(opened.page).toContain('no-referrer');
  expect(fs.readFileSync(`/proc/${s.child.pid}/cmdline`, 'utf8')).not.toContain(token);
  await stop(s);
  expect(fs.existsSync(decodeURIComponent(new URL(opened.argv[0]!).pathname)), 'launcher page removed on stop').toBe(false);
}, 40_000);
