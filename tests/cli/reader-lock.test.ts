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
  expect(r.stderr).toMatch(/is in use by another process; nothing was written/);
  g.unchanged();
}, 60_000);

/** Another program (another user, flock(1)) holds an exclusive kernel lock on `file` and leaves no record. */
async function foreignWriter(file: string): Promise<void> {
  const holder = spawn('flock', ['--exclusive', file, 'sleep', '60'], { stdio: 'ignore', detached: true });
  onTestFinished(() => void process.kill(-holder.pid!, 'SIGKILL'));
  await expect.poll(() => spawnSync('flock', ['--nonblock', '--shared', file, 'true']).status, { timeout: 20_000 }).not.toBe(0);
}

/** The CLI with stdout and stderr into one file, as on a terminal: the order of notes and output shows. */
function cliMerged(...args: string[]): { code: number; lines: string[] } {
  const file = path.join(tempDir(), 'out.txt');
  const fd = fs.openSync(file, 'w');
  try {
    const r = spawnSync(process.execPath, [BIN, ...args], { stdio: ['ignore', fd, fd] });
    return { code: r.status ?? -1, lines: fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) };
  } finally {
    fs.closeSync(fd);
  }
}

const FOREIGN_NOTE = /^snapscope: note: .* is open for writing by another process; reading its last committed state$/;

it('a reader notes a writer that holds the exclusive kernel lock without a record (another user, flock(1)), and reads', async () => {
  const { cow } = sharedVolume(tempDir());
  await foreignWriter(cow);
  const r = cli('info', cow);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/is open for writing by another process; reading its last committed state/);
});

it("that note comes once per input, before the command's output, and before an error about the open", async () => {
  const dir = tempDir();
  const { origin, cow } = sharedVolume(dir);
  await foreignWriter(cow);
  const info = cliMerged('info', cow);
  expect(info.code).toBe(0);
  expect(info.lines[0]).toMatch(FOREIGN_NOTE);
  expect(info.lines[0]).toContain(cow);
  expect(info.lines[1]).toMatch(/: shared exception store/);
  expect(info.lines.filter((l) => FOREIGN_NOTE.test(l))).toHaveLength(1);

  await foreignWriter(origin);
  const out = path.join(dir, 'one.img');
  const read = cliMerged('read', cow, '--origin', origin, '-s', 'one', '--out', out);
  expect(read.code).toBe(0);
  expect(read.lines.filter((l) => FOREIGN_NOTE.test(l)).map((l) => (l.includes(cow) ? 'cow' : 'origin'))).toEqual(['cow', 'origin']);
  expect(fs.statSync(out).size).toBe(fs.statSync(origin).size);

  // Not a store: the note, then the one line that says why the open failed.
  const junk = path.join(dir, 'junk.img');
  fs.writeFileSync(junk, Buffer.alloc(1 << 20, 0x5a));
  await foreignWriter(junk);
  const bad = cliMerged('info', junk);
  expect(bad.code).not.toBe(0);
  expect(bad.lines).toHaveLength(2);
  expect(bad.lines[0]).toMatch(FOREIGN_NOTE);
  expect(bad.lines[1]).toMatch(/^snapscope: .*junk\.img/);
}, 60_000);

it('check -q says nothing of that writer: its exit code is the answer', async () => {
  const { cow } = sharedVolume(tempDir());
  await foreignWriter(cow);
  const r = cli('check', '-q', cow);
  expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
});

// The first read of /proc/locks in a process waits for an RCU grace period (6-14 ms, no CPU): a
// reader reads it on libuv's thread pool while the main thread opens and walks the store (ADR 0006).
const STRACE = ['/usr/bin/strace', '/bin/strace'].find((p) => fs.existsSync(p));
it.skipIf(!STRACE)('a reader reads /proc/locks off the main thread, and once per input (needs strace)', () => {
  const dir = tempDir();
  const { cow } = sharedVolume(dir);
  const trace = path.join(dir, 'trace.txt');
  const r = spawnSync(STRACE!, ['-f', '-qq', '-o', trace, '-e', 'trace=openat,read', process.execPath, BIN, 'info', cow], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const lines = fs.readFileSync(trace, 'utf8').split('\n');
  const opens = lines.filter((l) => /openat\(.*"\/proc\/locks"/.test(l));
  expect(opens).toHaveLength(1);
  const [main, fd] = [Number(opens[0]!.split(' ')[0]), opens[0]!.match(/= (\d+)$/)![1]];
  const firstRead = lines.slice(lines.indexOf(opens[0]!)).find((l) => l.includes(` read(${fd}, `))!;
  expect(Number(firstRead.split(' ')[0])).not.toBe(main);
  expect(main).toBe(Number(lines[0]!.split(' ')[0])); // the process's own (main) thread opened it
}, 60_000);

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
