import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { openInput } from '../../src-main/host/access/inputs.ts';
import { ROOT_DIR, cli, oneLine, tempDir } from './cli.ts';
import { guard, ok, sharedVolume } from './safety-fixtures.ts';

// Readers take no kernel lock (ADR 0006): their holder record is their lock, and a writer that
// finds a live reader's record after taking its own lock backs off. These run real processes.

const BIN = path.join(ROOT_DIR, 'bin/snapscope.cjs');

/** `snapscope read ... --out -` into a pipe nobody drains: it holds the store open until killed. */
function blockedReader(cow: string, origin: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const child = spawn(process.execPath, [BIN, 'read', cow, '--origin', origin, '-s', 'one', '--out', '-'], { stdio: ['ignore', 'pipe', 'ignore'], env });
  onTestFinished(() => void child.kill('SIGKILL'));
  // It has opened the store once it has filled the pipe.
  return new Promise((resolve) => child.stdout.once('data', () => resolve(child.pid!)));
}

it('a writer is refused while a reader process reads, naming it; once the reader is killed (-9) the writer writes', async () => {
  const { origin, cow } = sharedVolume(tempDir());
  const pid = await blockedReader(cow, origin);
  const g = guard(origin, cow);
  for (const argv of [
    ['snapshot', 'create', cow, '--name', 'late'],
    ['write', cow, '--origin', origin, '-s', 'one', '--chunk', '9', '--fill', '1'],
  ]) {
    const r = cli(...argv);
    expect(r.code, argv.join(' ')).toBe(1);
    expect(oneLine(r)).toContain(`is open for reading by snapscope read (pid ${pid}); nothing was written`);
  }
  g.unchanged();
  process.kill(pid, 'SIGKILL');
  await expect.poll(() => cli('snapshot', 'create', cow, '--name', 'late').code, { timeout: 20_000 }).toBe(0);
}, 60_000);

it('without a runtime directory for records, a reader takes the shared kernel lock instead: a writer is still refused', async () => {
  const { origin, cow } = sharedVolume(tempDir());
  // An XDG_RUNTIME_DIR under a regular file: no record can be written, by the reader or the writer.
  const env = { ...process.env, XDG_RUNTIME_DIR: path.join(cow, 'not-a-directory') };
  await blockedReader(cow, origin, env);
  const g = guard(origin, cow);
  const r = spawnSync(process.execPath, [BIN, 'snapshot', 'create', cow, '--name', 'late'], { env, encoding: 'utf8' });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/is open for .* by another process; nothing was written/);
  g.unchanged();
}, 60_000);

it('a reader notes a writer that holds the exclusive kernel lock without a record (another user, flock(1)), and reads', async () => {
  const { cow } = sharedVolume(tempDir());
  const holder = spawn('flock', ['--exclusive', cow, 'sleep', '60'], { stdio: 'ignore', detached: true });
  onTestFinished(() => void process.kill(-holder.pid!, 'SIGKILL'));
  await expect.poll(() => spawnSync('flock', ['--nonblock', '--shared', cow, 'true']).status, { timeout: 20_000 }).not.toBe(0);
  const r = cli('info', cow);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/is open for writing by another process; reading its last committed state/);
});

it('readers do not exclude each other; a reader in this process refuses a writer in this process until it closes', () => {
  const { cow } = sharedVolume(tempDir());
  const a = openInput(cow, 'COW', false);
  const b = openInput(cow, 'COW', false);
  expect([a.note, b.note]).toEqual([null, null]);
  expect(() => openInput(cow, 'COW', true)).toThrow(/is open for reading by .*this process.*; nothing was written/);
  a.dev.close();
  expect(() => openInput(cow, 'COW', true)).toThrow(/open for reading/);
  b.dev.close();
  openInput(cow, 'COW', true).dev.close();
});

it("a record left by a dead reader, or whose pid now belongs to another process, does not hold the store", () => {
  const { cow } = sharedVolume(tempDir());
  const r = openInput(cow, 'COW', false);
  const dir = runtimeDirOf(r.target.key!);
  r.dev.close();
  const key = r.target.key!.replace(/[^A-Za-z0-9:-]/g, '_');
  // pid 1 is alive, but did not start at tick 1; a pid far above pid_max is dead.
  fs.writeFileSync(path.join(dir, `${key}.1.1.json`), JSON.stringify({ pid: 1, started: '1', command: 'snapscope info', mode: 'read' }));
  fs.writeFileSync(path.join(dir, `${key}.99999999.1.json`), JSON.stringify({ pid: 99999999, command: 'snapscope info', mode: 'read' }));
  ok(cli('snapshot', 'create', cow, '--name', 'after'));
});

/** Where this process's records go: found from the record a reader leaves while open. */
function runtimeDirOf(key: string): string {
  const prefix = `${key.replace(/[^A-Za-z0-9:-]/g, '_')}.${process.pid}.`;
  for (const dir of [process.env['XDG_RUNTIME_DIR'] && path.join(process.env['XDG_RUNTIME_DIR'], 'snapscope'), '/run/snapscope', path.join('/tmp', `snapscope-${process.getuid!()}`)]) {
    if (dir && fs.existsSync(dir) && fs.readdirSync(dir).some((n) => n.startsWith(prefix))) return dir;
  }
  throw new Error('no runtime directory holds our record');
}
