import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { ROOT_DIR, tempDir } from './cli.ts';
import { sharedVolume } from './safety-fixtures.ts';

// The first read of /proc/locks in a process waits 6-14 ms in the kernel (ADR 0006). Every reader
// command starts that look, reads the store while it runs on the thread pool, and prints what it
// finds before its output. These run the real CLI.

const BIN = path.join(ROOT_DIR, 'bin/snapscope.cjs');
const STRACE = ['/usr/bin/strace', '/bin/strace'].find((p) => fs.existsSync(p));

/** The reader commands, each given the store `cow`. */
const READERS: ((cow: string) => string[])[] = [
  (cow) => ['info', cow],
  (cow) => ['check', cow],
  (cow) => ['stats', cow],
  (cow) => ['tree', cow],
  (cow) => ['dump', cow],
  (cow) => ['repair', '--dry-run', cow],
];

/**
 * From an `strace -f` trace: how many reads of the store the main thread made after opening
 * /proc/locks and before the read of /proc/locks that found its end returned; and how often
 * /proc/locks was opened.
 */
function storeReadsDuringLook(lines: string[], cow: string): { overlapped: number; opens: number } {
  const tid = (l: string): string => l.split(' ')[0]!;
  const opens = lines.filter((l) => /openat\(.*"\/proc\/locks"/.test(l));
  const at = lines.indexOf(opens[0]!);
  const main = tid(opens[0]!);
  const locksFd = opens[0]!.match(/= (\d+)$/)![1];
  const cowFd = lines
    .slice(0, at)
    .filter((l) => tid(l) === main && l.includes(`openat(AT_FDCWD, "${cow}"`))
    .at(-1)!
    .match(/= (\d+)$/)![1];
  const pending = new Map<string, string>(); // thread -> fd of its unfinished read
  let overlapped = 0;
  for (const l of lines.slice(at + 1)) {
    const started = l.match(/ read\((\d+), +<unfinished/);
    if (started) {
      pending.set(tid(l), started[1]!);
      continue;
    }
    const ofLocks = l.includes(` read(${locksFd}, `) || (l.includes('<... read resumed>') && pending.get(tid(l)) === locksFd);
    if (ofLocks && / = 0$/.test(l)) return { overlapped, opens: opens.length };
    if (tid(l) === main && new RegExp(` pread64\\(${cowFd}, `).test(l)) overlapped++;
  }
  throw new Error('the trace has no end of /proc/locks');
}

it.skipIf(!STRACE)('reader commands read the store while /proc/locks is read on the thread pool, and read it once (needs strace)', () => {
  const dir = tempDir();
  const { cow } = sharedVolume(dir);
  const trace = path.join(dir, 'trace.txt');
  for (const argv of READERS.map((r) => r(cow))) {
    const r = spawnSync(STRACE!, ['-f', '-qq', '-o', trace, '-e', 'trace=openat,read,pread64', process.execPath, BIN, ...argv], { encoding: 'utf8' });
    expect(r.status, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
    const { overlapped, opens } = storeReadsDuringLook(fs.readFileSync(trace, 'utf8').split('\n'), cow);
    expect(opens, argv.join(' ')).toBe(1);
    expect(overlapped, argv.join(' ')).toBeGreaterThan(0);
  }
}, 120_000);

it("each reader command prints the note of a writer holding the store's kernel lock once, before its output", async () => {
  const dir = tempDir();
  const { cow } = sharedVolume(dir);
  const holder = spawn('flock', ['--exclusive', cow, 'sleep', '60'], { stdio: 'ignore', detached: true });
  onTestFinished(() => void process.kill(-holder.pid!, 'SIGKILL'));
  await expect.poll(() => spawnSync('flock', ['--nonblock', '--shared', cow, 'true']).status, { timeout: 20_000 }).not.toBe(0);
  const note = /^snapscope: note: .* is open for writing by another process; reading its last committed state$/;
  const out = path.join(dir, 'out.txt');
  for (const argv of READERS.map((r) => r(cow))) {
    // stdout and stderr into one file, as on a terminal: the order shows.
    const fd = fs.openSync(out, 'w');
    const r = spawnSync(process.execPath, [BIN, ...argv], { stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    const lines = fs.readFileSync(out, 'utf8').split('\n').filter(Boolean);
    expect(r.status, argv.join(' ')).toBe(0);
    expect(lines[0], argv.join(' ')).toMatch(note);
    expect(lines.filter((l) => note.test(l)), argv.join(' ')).toHaveLength(1);
    expect(lines.length, argv.join(' ')).toBeGreaterThan(1);
  }
}, 120_000);
