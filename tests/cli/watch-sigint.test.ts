import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { ROOT_DIR, tempDir } from './cli.ts';

// watch and SIGINT, with real processes: exit 130 promptly at any point, also while a poll waits
// on dmsetup or on a remote host through ssh. Stand-ins for dmsetup and ssh on PATH make a poll
// that takes as long as the test wants.

const BIN = path.join(ROOT_DIR, 'bin/snapscope.cjs');

/** A PATH whose `name` runs `script` (sh), ahead of the real PATH. */
function pathWith(tools: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, script] of Object.entries(tools)) fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return `${dir}:${process.env['PATH']}`;
}

interface Watch {
  pid: number;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** `snapscope watch ...` in a process group of its own, as a shell runs a foreground job. */
function watch(args: string[], PATH: string): Watch {
  const child = spawn(process.execPath, [BIN, 'watch', ...args], { env: { ...process.env, PATH }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  onTestFinished(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })));
  return { pid: child.pid!, stderr: () => stderr, exit };
}

/** Until `what()` holds (a poll under way), then a terminal's Ctrl-C: SIGINT to the whole group. */
async function ctrlC(w: Watch, what: () => boolean): Promise<{ code: number | null; signal: NodeJS.Signals | null; seconds: number }> {
  await expect.poll(what, { timeout: 30_000, interval: 50 }).toBe(true);
  const sent = performance.now();
  process.kill(-w.pid, 'SIGINT');
  const { code, signal, at } = await w.exit;
  return { code, signal, seconds: (at - sent) / 1000 };
}

it('Ctrl-C while a local poll waits on dmsetup: exit 130 at once', async () => {
  const dir = tempDir();
  const started = path.join(dir, 'started');
  const PATH = pathWith({ dmsetup: `touch ${started}; sleep 60` });
  const w = watch(['--interval', '1'], PATH);
  const r = await ctrlC(w, () => fs.existsSync(started));
  expect(r, w.stderr()).toMatchObject({ code: 130, signal: null });
  expect(r.seconds).toBeLessThan(5);
  expect(w.stderr()).not.toMatch(/error/);
}, 60_000);

it('Ctrl-C while a remote poll waits on ssh (the host never answers): exit 130 at once', async () => {
  const dir = tempDir();
  const started = path.join(dir, 'started');
  const PATH = pathWith({ ssh: `touch ${started}; sleep 60` });
  const w = watch(['--host', 'admin@far-away', '--interval', '1'], PATH);
  const r = await ctrlC(w, () => fs.existsSync(started));
  expect(r, w.stderr()).toMatchObject({ code: 130, signal: null });
  expect(r.seconds).toBeLessThan(5);
}, 60_000);

it('SIGINT to the process alone between polls (--interval 60) ends the wait at once: exit 130', async () => {
  const PATH = pathWith({ dmsetup: 'echo "No devices found"', lvs: 'exit 5' });
  const w = watch(['--interval', '60'], PATH);
  await expect.poll(() => w.stderr(), { timeout: 30_000, interval: 50 }).toMatch(/no dm snapshots on this host/);
  const sent = performance.now();
  process.kill(w.pid, 'SIGINT');
  const { code, at } = await w.exit;
  expect(code, w.stderr()).toBe(130);
  expect((at - sent) / 1000).toBeLessThan(5);
}, 60_000);
