import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './cli.ts';

/** --json: "machine-readable output (errors too)": stdout is one JSON document whatever happens. */
describe('--json where the output was not JSON', () => {
  it('a command group without its subcommand: a usage error in JSON, naming the subcommands', () => {
    const r = cli('snapshot', '--json');
    expect(r.code).toBe(2);
    const j = JSON.parse(r.stdout);
    expect(j.error.code).toBe('usage');
    expect(j.error.message).toMatch(/snapshot needs a subcommand: list, create, delete, rename/);
  });

  it('check -q --json: the report (-q stops progress, as in every other command), and its exit code', () => {
    const dir = tempDir();
    expect(cli('demo', dir).code).toBe(0);
    const r = cli('check', path.join(dir, 'shared.cow'), '-q', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).errors).toBe(0);
    const missing = cli('check', path.join(dir, 'nope'), '-q', '--json');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).error.code).toBe('not-found');
  });
});

describe('--json on the paths that still printed text', () => {
  it('snapscope --json alone: the usage error of snapscope alone, in JSON (exit 2); a leading --json before a command is --json', () => {
    const bare = cli('--json');
    expect(bare.code).toBe(2);
    const j = JSON.parse(bare.stdout);
    expect(j.error.code).toBe('usage');
    expect(j.error.message).toMatch(/needs a command: .*\binfo\b.*\bdump\b/);
    expect(j.error.message).not.toMatch(/unknown command/);
    expect(cli('--json', '--version')).toMatchObject({ code: 0, stdout: expect.stringContaining('"version"') });
    const dir = tempDir();
    expect(cli('demo', dir).code).toBe(0);
    const info = cli('--json', 'info', path.join(dir, 'shared.cow'));
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout).format).toBe('shared');
  });

  it('dump --json of a damaged store: the outcome in JSON on stdout, exit 1, whether the dump goes to a file or to stdout', () => {
    const dir = tempDir();
    expect(cli('demo', dir).code).toBe(0);
    const cow = path.join(dir, 'shared.cow');
    const out = path.join(dir, 'd.json');
    // A healthy dump to a file says what it wrote.
    const ok = cli('dump', cow, '--out', out, '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ out, format: 'json', exceptions: 624 });
    // root_tree_chunk (offset 20) broken: no leaf can be reached.
    const fd = fs.openSync(cow, 'r+');
    fs.writeSync(fd, Buffer.from([0x99]), 0, 1, 20);
    fs.closeSync(fd);
    const toFile = cli('dump', cow, '--out', out, '--json');
    expect(toFile.code).toBe(1);
    expect(toFile.stderr).toBe('');
    const f = JSON.parse(toFile.stdout);
    expect(f).toMatchObject({ out, exceptions: 0, errors: 2, error: { code: 'corrupt', where: { device: cow } } });
    expect(f.error.message).toMatch(/has 2 errors; the dump holds the 0 exceptions check vouches for/);
    // To stdout: one document, the dump carrying its error (dump-json-stdout.test.ts).
    const toStdout = cli('dump', cow, '--json');
    expect(toStdout.code).toBe(1);
    expect(JSON.parse(toStdout.stdout)).toMatchObject({ snapscopeDump: 2, error: { code: 'corrupt', where: { device: cow } } });
    // XML on stdout cannot be followed by JSON: refused up front, in JSON.
    const xml = cli('dump', cow, '--json', '--format', 'xml');
    expect(xml.code).toBe(2);
    expect(JSON.parse(xml.stdout).error.message).toMatch(/--format xml.*--out/);
  });
});
