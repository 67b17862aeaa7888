import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Fixture } from '../core/persistent/kernel-fixtures.ts';
import { cli, oneLine, ROOT_DIR, tempDir } from './cli.ts';

const BIN = path.join(ROOT_DIR, 'bin/snapscope.mjs');

/** Runs many CLI invocations at once (each is a real process), in order of the argv given. */
function runAll(argvs: string[][]): Promise<{ code: number | null; stdout: string; stderr: string }[]> {
  return Promise.all(
    argvs.map(
      (argv) =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, [BIN, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
          child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
          child.on('close', (code) => resolve({ code, stdout, stderr }));
        }),
    ),
  );
}

/** Each command that reads a COW, with the rest of a valid command line. */
const ON_A_COW: [string[], (origin: string, dir: string) => string[]][] = [
  [['info'], () => []],
  [['ls'], () => []],
  [['snapshot', 'list'], () => []],
  [['snapshot', 'create'], () => ['--name', 'x']],
  [['snapshot', 'delete'], () => ['-s', '0']],
  [['snapshot', 'rename'], () => ['-s', '0', '--name', 'y']],
  [['tree'], () => []],
  [['write'], (o) => ['--origin', o, '-s', 'origin', '--chunk', '0', '--fill', '1']],
  [['read'], (o, d) => ['--origin', o, '-s', 'origin', '--out', path.join(d, 'out')]],
  [['merge'], (o) => ['--origin', o, '-s', '0']],
  [['replay'], (o, d) => ['--origin', o, '--script', path.join(d, 'script')]],
  [['check'], () => []],
  [['repair'], () => ['--dry-run']],
  [['dump'], () => []],
  [['stats'], () => []],
];

describe('exit codes, the same for every command', () => {
  it('2 usage, 3 not a store, 1 no such file; one line each', async () => {
    const dir = tempDir();
    const origin = path.join(dir, 'origin');
    fs.writeFileSync(origin, Buffer.alloc(65536));
    fs.writeFileSync(path.join(dir, 'script'), 'commit\n');
    // A file of zeros per command: they run at once, and a writer is refused while a reader holds the file.
    const zeros = (words: string[]): string => {
      const file = path.join(dir, `zeros-${words.join('-')}`);
      fs.writeFileSync(file, Buffer.alloc(65536));
      return file;
    };
    const cases = ON_A_COW.flatMap(([words, rest]) => {
      const file = zeros(words);
      return [
        { argv: [...words, file, ...rest(origin, dir), '--bogus'], code: 2 },
        { argv: [...words, file, ...rest(origin, dir)], code: 3 },
        { argv: [...words, path.join(dir, 'missing'), ...rest(origin, dir)], code: 1 },
      ];
    });
    const results = await runAll(cases.map((c) => c.argv));
    for (const [i, c] of cases.entries()) {
      const r = results[i]!;
      expect(r.code, `${c.argv.join(' ')}: ${r.stderr}`).toBe(c.code);
      expect(oneLine({ code: r.code ?? -1, stdout: r.stdout, stderr: r.stderr }), c.argv.join(' ')).toMatch(/^snapscope: /);
    }
    for (const name of fs.readdirSync(dir).filter((n) => n.startsWith('zeros-'))) expect(fs.readFileSync(path.join(dir, name)).every((b) => b === 0), name).toBe(true);
  }, 120_000);

  it('snapscope alone: help on stderr, exit 2; --help and help CMD: stdout, exit 0; -h everywhere', async () => {
    const [bare, help, helpMerge, mergeH, group, helpGroup, bad] = await runAll([[], ['--help'], ['help', 'merge'], ['merge', '-h'], ['snapshot'], ['help', 'snapshot'], ['help', 'mrege']]);
    expect([bare!.code, bare!.stdout]).toEqual([2, '']);
    expect(bare!.stderr).toContain('usage: snapscope <command>');
    expect([help!.code, help!.stderr]).toEqual([0, '']);
    expect(help!.stdout).toContain('exit status:');
    expect(helpMerge!.code).toBe(0);
    expect(helpMerge!.stdout).toBe(mergeH!.stdout);
    expect(helpMerge!.stdout).toMatch(/^usage: snapscope merge <cow> --origin PATH \[options\]/);
    expect(helpMerge!.stdout).toContain('examples:');
    expect([group!.code, group!.stdout]).toEqual([2, '']);
    expect(group!.stderr).toContain('snapshot delete');
    expect([helpGroup!.code, helpGroup!.stdout]).toEqual([0, group!.stderr]);
    expect(bad!.code).toBe(2);
    expect(bad!.stderr).toContain('did you mean merge?');
  }, 60_000);

  it('refusals: one the command line lifts (--force, another target) is 2, one it cannot (read-only, in use) is 1, as the exit-status list says', () => {
    const dir = tempDir();
    expect(cli('demo', dir).code).toBe(0);
    const [cow, origin, binary] = [path.join(dir, 'shared.cow'), path.join(dir, 'origin.img'), path.join(dir, 'binary')];
    fs.writeFileSync(binary, Buffer.from([0, 1, 2, 3]));
    const liftable = [
      cli('demo', dir), // "exists; add --force"
      cli('read', cow, '--origin', origin, '-s', 'base', '--out', origin), // "is also an input"
      cli('dump', cow, '--out', binary), // "holds binary data ... add --force"
    ];
    for (const r of liftable) expect([r.code, oneLine(r)]).toEqual([2, expect.stringMatching(/--force|an input/)]);
    fs.chmodSync(cow, 0o444);
    const readOnly = cli('snapshot', 'create', cow, '--name', 'x');
    expect([readOnly.code, oneLine(readOnly)]).toEqual([1, expect.stringContaining('read-only')]);
    // The list in every help and man page says which is which.
    const help = cli('--help').stdout;
    expect(help).toMatch(/^ {2}1 +failure \(.*read-only.*\)$/m);
    expect(help).toMatch(/^ {2}2 +usage error \(.*--force.*input.*\)$/m);
    expect(help).not.toMatch(/^ {2}1 .*\brefused\b/m);
  });

  it('check: 0 clean, 4 for an invalidated persistent snapshot (check && activate must not activate it)', () => {
    const dir = tempDir();
    const cow = path.join(dir, 'cow.img');
    fs.writeFileSync(cow, new Fixture('p-overflow').image('cow'));
    const r = cli('check', cow);
    expect(r.code).toBe(4);
    expect(r.stdout).toContain('p-header-invalid');
    expect(cli('check', cow, '-q')).toMatchObject({ code: 4, stdout: '', stderr: '' });
    const demo = path.join(dir, 'demo');
    expect(cli('demo', demo).code).toBe(0);
    expect(cli('check', path.join(demo, 'shared.cow')).code).toBe(0);
  });

  it('a reader that goes away (| true): exit 141 as if killed by SIGPIPE, nothing on stderr', async () => {
    const dir = tempDir();
    expect(cli('demo', dir).code).toBe(0);
    for (const argv of [['tree', path.join(dir, 'shared.cow')], ['dump', path.join(dir, 'shared.cow')], ['--help']]) {
      const line = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} ${argv.map((a) => JSON.stringify(a)).join(' ')} 2>${JSON.stringify(path.join(dir, 'err'))} | true; echo "\${PIPESTATUS[0]}"`;
      const r = await new Promise<string>((resolve) => {
        const child = spawn('bash', ['-c', line], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += String(d)));
        child.on('close', () => resolve(out.trim()));
      });
      expect(r, argv.join(' ')).toBe('141');
      expect(fs.readFileSync(path.join(dir, 'err'), 'utf8'), argv.join(' ')).toBe('');
    }
  }, 60_000);
});
