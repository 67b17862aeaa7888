import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './cli.ts';

// `dump --json` with the dump on standard output: stdout is one JSON document whatever happens, as
// `jq` and JSON.parse read it. A damaged store's dump carries its error as the member `error`
// (after the exceptions: it is known once the walk ends); before, the error document followed the
// dump as a second JSON value.

describe('dump --json to stdout is one JSON document', () => {
  it('a damaged store: the dump of what check vouches for, its error inside; exit 1; restore reads it', () => {
    const dir = tempDir();
    expect(cli('demo', dir).code).toBe(0);
    const cow = path.join(dir, 'shared.cow');
    const healthy = cli('dump', cow, '--json');
    expect(healthy.code).toBe(0);
    const whole = JSON.parse(healthy.stdout) as Record<string, unknown>;
    expect(whole.snapscopeDump).toBe(2);
    expect('error' in whole).toBe(false);
    // root_tree_chunk (offset 20) broken: no leaf can be reached.
    const fd = fs.openSync(cow, 'r+');
    fs.writeSync(fd, Buffer.from([0x99]), 0, 1, 20);
    fs.closeSync(fd);
    const r = cli('dump', cow, '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as { snapscopeDump: number; snapshots: unknown[]; exceptions: unknown[]; error: { code: string; message: string; where: { device: string } } };
    expect(doc.snapscopeDump).toBe(2);
    expect(doc.snapshots).toEqual(whole.snapshots);
    expect(doc.exceptions).toEqual([]);
    expect(doc.error).toMatchObject({ code: 'corrupt', where: { device: cow } });
    expect(doc.error.message).toMatch(/has 2 errors; the dump holds the 0 exceptions check vouches for/);
    // Saved, it is a dump restore reads (the error is the dump's outcome, not its content).
    const saved = path.join(dir, 'saved.json');
    fs.writeFileSync(saved, r.stdout);
    const restored = cli('restore', path.join(dir, 'new.cow'), '--dump', saved, '--metadata-only');
    expect(restored.code, restored.stderr).toBe(0);
  });

  it('restore refuses an error member that is not an object, naming its line', () => {
    const dir = tempDir();
    expect(cli('demo', dir).code).toBe(0);
    const text = cli('dump', path.join(dir, 'shared.cow')).stdout;
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, text.replace(/\]\}\n$/, '],\n"error":5}\n'));
    const r = cli('restore', path.join(dir, 'new.cow'), '--dump', bad, '--metadata-only');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`snapscope: ${bad}:${text.split('\n').length}: error is not an object\n`);
    expect(fs.existsSync(path.join(dir, 'new.cow'))).toBe(false);
  });
});
