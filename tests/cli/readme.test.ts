import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src-main/cli/args.ts';
import { catalog } from '../../src-main/cli/catalog.ts';
import { findCommand } from '../../src-main/cli/find-command.ts';
import { ROOT_DIR, tempDir } from './cli.ts';

/** The first ```sh block of README's "## Use" section: the CLI examples. */
function readmeExamples(): string[] {
  const readme = fs.readFileSync(path.join(ROOT_DIR, 'README.md'), 'utf8');
  const use = readme.slice(readme.indexOf('\n## Use\n'));
  const block = /```sh\n([\s\S]*?)```/.exec(use)![1]!;
  return block.split('\n').filter((l) => l.trim());
}

describe("README's CLI examples", () => {
  it('run as written in an empty directory (npx snapscope is this checkout, as after npm ci)', () => {
    const lines = readmeExamples();
    expect(lines.length).toBeGreaterThan(5);
    // serve runs until stopped: its line is checked against the grammar instead (below).
    const runnable = lines.filter((l) => !/^npx snapscope serve\b/.test(l));
    const dir = tempDir();
    const npx = `npx() { [ "$1" = snapscope ] || return 127; shift; ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(ROOT_DIR, 'bin/snapscope.mjs'))} "$@"; }`;
    for (const line of runnable) {
      const r = spawnSync('bash', ['-e', '-c', `${npx}\n${line}`], { cwd: dir, encoding: 'utf8' });
      expect(r.status, `${line}\n${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stderr, line).not.toMatch(/internal error|\n\s+at /);
    }
    expect(fs.statSync(path.join(dir, 'nightly.img')).size).toBe(fs.statSync(path.join(dir, 'demo/origin.img')).size);
  }, 120_000);

  it('npx snapscope from the repository root runs this checkout (no download)', () => {
    const npm = spawnSync('npx', ['--no-install', 'snapscope', '--version'], { cwd: ROOT_DIR, encoding: 'utf8' });
    if (npm.error) return; // no npx on PATH
    const version = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')).version;
    expect([npm.status, npm.stdout.trim()]).toEqual([0, `snapscope ${version}`]);
  }, 60_000);

  it('the serve example parses: store, origin', async () => {
    const { commands } = await catalog();
    const serve = readmeExamples().find((l) => /^npx snapscope serve\b/.test(l))!;
    const words = serve.replace(/#.*/, '').trim().split(/\s+/).slice(2);
    const { spec, rest } = findCommand(commands, words);
    const args = parseArgs(spec, rest);
    expect([spec.name, args.optionalArg('cow'), args.string('origin')]).toEqual(['serve', 'demo/shared.cow', 'demo/origin.img']);
  });
});
