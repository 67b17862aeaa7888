import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT_DIR, tempDir } from './cli.ts';

const MIB = 1 << 20;

/** A shared store whose snapshot 'a' holds its own copy of all 256 MiB of the origin. */
function bigMerge(dir: string): { cow: string; origin: string } {
  const cow = path.join(dir, 'cow.img');
  const origin = path.join(dir, 'origin.img');
  fs.writeFileSync(origin, '');
  fs.truncateSync(origin, 256 * MIB);
  expect(cli('format', cow, '--kind', 'shared', '--chunk-size', '1M', '--size', '300M').code).toBe(0);
  const script = path.join(dir, 'ops.txt');
  fs.writeFileSync(script, ['snap-create a', ...Array.from({ length: 256 }, (_, c) => `origin-write ${c} ${(c % 250) + 1}`)].join('\n'));
  expect(cli('replay', cow, '--origin', origin, '--script', script).code).toBe(0);
  return { cow, origin };
}

/** Runs the CLI with pipes (not a terminal), noting when each stderr line arrives. */
function run(args: string[]): Promise<{ code: number | null; lines: { at: number; text: string }[]; stdout: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [path.join(ROOT_DIR, 'bin/snapscope.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: { at: number; text: string }[] = [];
    let stdout = '';
    let partial = '';
    child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
    child.stderr.on('data', (d: Buffer) => {
      const parts = (partial + String(d)).split('\n');
      partial = parts.pop()!;
      for (const text of parts) lines.push({ at: performance.now() - t0, text });
    });
    child.on('close', (code) => resolve({ code, lines, stdout }));
  });
}

describe('progress off a terminal', () => {
  it('a merge of 256 MiB prints one plain line per --interval (percent, bytes, MiB/s, ETA); none with --quiet; a bar on a terminal', async () => {
    const dir = tempDir();
    const { cow, origin } = bigMerge(dir);
    const dry = cli('merge', cow, '--origin', origin, '-s', 'a', '--dry-run', '--json');
    expect(JSON.parse(dry.stdout)).toMatchObject({ schema: 2 });
    for (const copy of ['2', '3']) {
      fs.copyFileSync(cow, path.join(dir, `cow${copy}.img`));
      fs.copyFileSync(origin, path.join(dir, `origin${copy}.img`));
    }

    const r = await run(['merge', cow, '--origin', origin, '-s', 'a', '--interval', '0.02']);
    expect(r.code, r.lines.map((l) => l.text).join('\n')).toBe(0);
    const progress = r.lines.filter((l) => l.text.startsWith('snapscope: merge'));
    expect(progress.length, r.lines.map((l) => l.text).join('\n')).toBeGreaterThanOrEqual(2);
    const percents = progress.map((l) => {
      const m = /^snapscope: merge[^:]*: (\d+\.\d)% \((\d+)\/256 chunks, [\d.]+ [KMG]?i?B, [\d.]+ MiB\/s, ETA (\d+:\d\d|\?)\)$/.exec(l.text);
      expect(m, l.text).not.toBeNull();
      return Number(m![1]);
    });
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    // Lines come at interval boundaries, not in bursts: the child prints one per elapsed 0.02 s at most (a short interval: on an idle machine the whole merge takes a few tenths of a second).
    expect(progress.at(-1)!.at - progress[0]!.at).toBeGreaterThanOrEqual(0.02 * 1000 * (progress.length - 1) * 0.5);
    expect(r.stdout).toContain('merged');

    const quiet = await run(['merge', path.join(dir, 'cow2.img'), '--origin', path.join(dir, 'origin2.img'), '-s', 'a', '--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.lines.filter((l) => l.text.startsWith('snapscope: merge'))).toEqual([]);

    // On a terminal (script(1) gives the run a pty): a bar rewritten in place, no plain lines.
    if (spawnSync('script', ['--version']).status !== 0) return;
    const argv = [process.execPath, path.join(ROOT_DIR, 'bin/snapscope.mjs'), 'merge', path.join(dir, 'cow3.img'), '--origin', path.join(dir, 'origin3.img'), '-s', 'a'];
    const tty = spawnSync('script', ['-qefc', argv.map((a) => `'${a}'`).join(' '), '/dev/null'], { encoding: 'utf8' });
    expect(tty.status, tty.stdout).toBe(0);
    expect(tty.stdout).toMatch(/\rmerge \[#*\.*\] +\d+\.\d% +\d+\/256 chunks +[\d.]+ MiB\/s/);
    expect(tty.stdout).not.toContain('snapscope: merge');
  }, 180_000);
});
