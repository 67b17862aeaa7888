import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliJson, tempDir } from './cli.ts';

/** Text output as the rest of the CLI writes it: located error lines, no empty rows, aligned columns. */
describe('text output', () => {
  it("ls: a store it cannot read gets the error line info gives, location and all", () => {
    const dir = tempDir();
    const zeros = path.join(dir, 'zeros');
    fs.writeFileSync(zeros, Buffer.alloc(65536));
    const info = cli('info', zeros);
    expect(info.stderr).toMatch(/\(offset 0, field magic\)\n$/);
    const ls = cli('ls', zeros);
    expect(ls.code).toBe(info.code);
    expect(ls.stderr).toBe(info.stderr);
  });

  it('stats: sharing buckets that hold nothing are left out of the text, kept in JSON', () => {
    const dir = tempDir();
    const [cow, origin] = [path.join(dir, 'cow'), path.join(dir, 'origin')];
    fs.writeFileSync(origin, Buffer.alloc(1 << 20));
    expect(cli('format', cow, '--kind', 'shared', '--size', '1M', '--chunk-size', '4k').code).toBe(0);
    for (const name of ['a', 'b', 'c']) expect(cli('snapshot', 'create', cow, '--name', name).code).toBe(0);
    // Two origin writes: each copy is shared by all three snapshots; nothing by one or two.
    for (const chunk of [1, 2]) expect(cli('write', cow, '--origin', origin, '-s', 'origin', '--chunk', chunk, '--fill', 7).code).toBe(0);
    const j = cliJson('stats', cow).value;
    expect(j.sharing).toEqual([expect.any(Number), 0, 0, 2]);
    expect(cli('stats', cow).stdout).toMatch(/^sharing: 3:2 \(exceptions shared by k snapshots\)$/m);
  });

  it('replay --help: every script line has its help in one column', () => {
    const help = cli('replay', '--help').stdout;
    const ops = help.split('\n').filter((l) => /^ {2}(snap-|origin-|commit)/.test(l));
    expect(ops.length).toBe(6);
    // Where the help starts: after the syntax and two spaces or more.
    const columns = ops.map((l) => /^ {2}\S.*?\S {2,}(?=\S)/.exec(l)![0].length);
    expect(new Set(columns).size, ops.join('\n')).toBe(1);
    expect(help).toContain('script lines (# starts a comment):');
  });
});
