import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { HelloResult } from '../../src-core/api/contract.ts';
import { CHANNELS } from '../../src-core/api/contract.ts';
import { tempDir } from './fixtures.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CACHE = path.join(ROOT, 'node_modules/.cache/snapscope-cli');

/**
 * `snapscope serve` starts from the launcher's bundle, as every other command does (from the
 * sources through tsx it took 3 s), and the bundle finds what lives beside the sources: the
 * checkout's package.json (its version, found the way the UI directory is: from the server's own
 * source path), and the privileged helper's script. Every e2e spec loads the UI this way.
 */
it('serve runs from the bundle and finds the checkout and the helper next to its sources', async () => {
  const dir = tempDir();
  // A PATH with a sudo and no pkexec: the helper is then the checkout's script, run through sudo.
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'sudo'), '#!/bin/sh\n', { mode: 0o755 });
  // The launcher builds the bundle first when a source changed.
  const version = spawn(process.execPath, [path.join(ROOT, 'bin/snapscope.mjs'), '--version'], { cwd: ROOT });
  await new Promise((resolve) => version.once('exit', resolve));
  const stamp = JSON.parse(fs.readFileSync(path.join(CACHE, 'stamp.json'), 'utf8')) as { dir: string };
  // A run from the bundle writes V8's code cache for its command file when it exits.
  const codeCache = path.join(CACHE, stamp.dir, 'cmd-serve.js.v8');
  fs.rmSync(codeCache, { force: true });

  const env = { ...process.env, PATH: bin, XDG_RUNTIME_DIR: path.join(dir, 'xdg'), XDG_DATA_HOME: path.join(dir, 'data') };
  fs.mkdirSync(env.XDG_RUNTIME_DIR);
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/snapscope.mjs'), 'serve'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await new Promise<URL>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /snapscope: serving (\S+)/.exec(out);
      if (m) resolve(new URL(m[1]!));
    });
    void exited.then(() => reject(new Error(`serve exited:\n${out}`)));
  });
  try {
    const call = new URL(`${CHANNELS.httpCall}hello`, url);
    call.search = url.search;
    const reply = (await (await fetch(call, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { ok: true; result: HelloResult };
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(reply.result.version).toBe(pkg.version);
    expect(reply.result.helper).toEqual({ method: 'sudo', note: null });
  } finally {
    child.kill('SIGTERM');
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  }
  expect(child.exitCode).toBe(143);
  expect(fs.existsSync(codeCache), `no code cache for the serve bundle:\n${out}`).toBe(true);
}, 60_000);
