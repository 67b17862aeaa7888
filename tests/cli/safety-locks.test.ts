import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { checkTask } from '../../src-core/check/check.ts';
import { runToEnd } from '../../src-core/jobs/job.ts';
import { openStore } from '../../src-core/open.ts';
import { readViewChunk } from '../../src-core/view.ts';
import { serve } from '../../e2e/server.ts';
import { openInput } from '../../src-main/host/access/inputs.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { ROOT_DIR, cli, oneLine, tempDir } from './cli.ts';
import { guard, ok, sharedVolume } from './safety-fixtures.ts';

const BIN = path.join(ROOT_DIR, 'bin/snapscope.mjs');

/** Runs the CLI as a child process and resolves with its exit code and stderr. */
function run(...args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT_DIR, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

/** What a volume holds, as the user sees it: the origin, and each snapshot's name and view. */
function content(origin: string, cow: string): string {
  const o = FileDevice.open(origin);
  const c = FileDevice.open(cow);
  try {
    const store = openStore(c);
    const h = crypto.createHash('sha256').update(fs.readFileSync(origin));
    const buf = new Uint8Array(store.chunkBytes);
    for (const s of store.snapshots()) {
      h.update(`|${s.name}|`);
      for (let chunk = 0; chunk * store.chunkBytes < o.size; chunk++) {
        readViewChunk(store, o, s.slot, chunk, buf);
        h.update(buf);
      }
    }
    store.close();
    return h.digest('hex');
  } finally {
    c.close();
    o.close();
  }
}

function checksClean(cow: string): boolean {
  const dev = FileDevice.open(cow);
  try {
    const r = runToEnd(checkTask(dev));
    return r.errors + r.warnings === 0;
  } finally {
    dev.close();
  }
}

function copyVolume(from: { origin: string; cow: string }, dir: string): { origin: string; cow: string } {
  fs.mkdirSync(dir);
  const to = { origin: path.join(dir, 'origin.img'), cow: path.join(dir, 'shared.cow') };
  fs.copyFileSync(from.origin, to.origin);
  fs.copyFileSync(from.cow, to.cow);
  return to;
}

const LOCKED = /is open for writing by snapscope replay \(pid \d+\); nothing was written/;

describe('one writer at a time', () => {
  it('two replay processes on one store, 20 rounds: one wins, the other is refused, the store is the winner alone', async () => {
    const dir = tempDir();
    const base = sharedVolume(path.join(dir, 'base') + (fs.mkdirSync(path.join(dir, 'base')), ''));
    const scripts = { a: path.join(dir, 'a.script'), b: path.join(dir, 'b.script') };
    const ops = (name: string, first: number, byte: number): string =>
      [`snap-create ${name}`, ...Array.from({ length: 120 }, (_, i) => `origin-write ${first + i} ${byte}`), `snap-write one ${first} ${byte}`].join('\n');
    fs.writeFileSync(scripts.a, ops('a', 20, 0x11));
    fs.writeFileSync(scripts.b, ops('b', 80, 0x22));
    // Expected contents: each script alone, and both in either order (when the runs did not overlap).
    const expected = new Map<string, string>();
    for (const order of [['a'], ['b'], ['a', 'b'], ['b', 'a']] as const) {
      const v = copyVolume(base, path.join(dir, `expect-${order.join('')}`));
      for (const s of order) ok(cli('replay', v.cow, '--origin', v.origin, '--script', scripts[s]));
      expected.set(order.join(''), content(v.origin, v.cow));
    }
    let refusals = 0;
    for (let round = 0; round < 20; round++) {
      const v = copyVolume(base, path.join(dir, `round-${round}`));
      const [a, b] = await Promise.all([run('replay', v.cow, '--origin', v.origin, '--script', scripts.a), run('replay', v.cow, '--origin', v.origin, '--script', scripts.b)]);
      expect(checksClean(v.cow), `round ${round}`).toBe(true);
      const got = content(v.origin, v.cow);
      if (a.code === 0 && b.code === 0) {
        expect([expected.get('ab'), expected.get('ba')], `round ${round}: both ran, one after the other`).toContain(got);
        continue;
      }
      const [winner, loser] = a.code === 0 ? (['a', b] as const) : (['b', a] as const);
      expect(loser.code, `round ${round}: ${loser.stderr}`).toBe(1);
      expect(loser.stderr).toMatch(LOCKED);
      expect(got, `round ${round}: the store is ${winner}'s script alone`).toBe(expected.get(winner));
      refusals++;
      fs.rmSync(path.dirname(v.cow), { recursive: true });
    }
    expect(refusals, 'the runs overlapped at least once').toBeGreaterThan(0);
  }, 600_000);

  it('an --out file that a writer holds is refused, --force or not: replaced by a rename, the writer would go on writing the old file', () => {
    const dir = tempDir();
    const held = sharedVolume(path.join(dir, 'held') + (fs.mkdirSync(path.join(dir, 'held')), ''));
    const other = sharedVolume(path.join(dir, 'other') + (fs.mkdirSync(path.join(dir, 'other')), ''));
    const writer = openInput(held.cow, 'COW', true);
    onTestFinished(() => writer.dev.close());
    const inode = fs.statSync(held.cow).ino;
    const g = guard(held.cow);
    for (const argv of [
      ['read', other.cow, '--origin', other.origin, '-s', 'one', '--out', held.cow, '--force'],
      ['repair', other.cow, '--out', held.cow, '--force'],
      ['dump', other.cow, '--out', held.cow, '--force'],
    ]) {
      const r = cli(...argv);
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(1);
      expect(oneLine(r)).toMatch(/is open for writing by .*\(pid \d+\); nothing was written/);
      expect(fs.statSync(held.cow).ino, 'the same file, not replaced').toBe(inode);
    }
    g.unchanged();
  });

  it('serve --write holds the store: CLI writers are refused naming it, readers say so and read; after it stops the CLI writes', async () => {
    const dir = tempDir();
    const { origin, cow } = sharedVolume(dir);
    const served = await serve([cow, '--origin', origin, '--write']);
    let stopped = false;
    onTestFinished(() => (stopped ? undefined : served.stop()));
    const g = guard(origin, cow);
    for (const argv of [
      ['snapshot', 'create', cow, '--name', 'cli'],
      ['write', cow, '--origin', origin, '-s', 'one', '--chunk', '9', '--fill', '1'],
      ['format', cow, '--kind', 'shared', '--force'],
      ['repair', cow, '--in-place'],
    ]) {
      const r = cli(...argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(oneLine(r)).toMatch(/is open for writing by snapscope serve \(pid \d+\); nothing was written/);
    }
    g.unchanged();
    const info = cli('info', cow);
    expect(info.code).toBe(0);
    expect(info.stderr).toMatch(/open for writing by snapscope serve \(pid \d+\); reading its last committed state/);
    await served.stop();
    stopped = true;
    ok(cli('snapshot', 'create', cow, '--name', 'cli'));
  }, 120_000);
});
