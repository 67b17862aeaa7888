import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Fixture } from '../core/persistent/kernel-fixtures.ts';
import { cli, cliJson, oneLine, tempDir } from './cli.ts';

/**
 * An origin smaller than the snapshot's copies is the wrong origin (or one that shrank): merge
 * refuses it, and read must not hand out an image silently missing those copies.
 */
describe('read with an origin too small for the snapshot', () => {
  it('persistent (kernel-made COW): refused, naming the chunk, and no --out written', () => {
    const dir = tempDir();
    const cow = path.join(dir, 'cow.img');
    fs.writeFileSync(cow, new Fixture('p-basic-c8').image('cow'));
    const origin = path.join(dir, 'small-origin.img');
    fs.writeFileSync(origin, Buffer.alloc(1 << 20));
    const out = path.join(dir, 'snap.img');
    const r = cli('read', cow, '--origin', origin, '-s', 'snap', '--out', out);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/origin .*small-origin\.img \(1048576 bytes\) is too small: snapshot 0 has a copy of origin chunk \d+ \(wrong origin\?\)/);
    expect(fs.existsSync(out)).toBe(false);
    const j = cliJson('read', cow, '--origin', origin, '-s', 'snap', '--out', out);
    expect(j.value.error.code).toBe('usage');
    // --forensic reads what the origin holds room for.
    const f = cli('read', cow, '--origin', origin, '-s', 'snap', '--out', out, '--forensic');
    expect(f.code, f.stderr).toBe(0);
    expect(fs.statSync(out).size).toBe(1 << 20);
  });

  it('shared: the same refusal; the origin view and a big enough origin still read', () => {
    const dir = tempDir();
    expect(cli('demo', dir).code).toBe(0);
    const cow = path.join(dir, 'shared.cow');
    const origin = path.join(dir, 'origin.img');
    const half = path.join(dir, 'half.img');
    fs.writeFileSync(half, fs.readFileSync(origin).subarray(0, 1 << 19));
    const out = path.join(dir, 'n.img');
    const r = cli('read', cow, '--origin', half, '-s', 'nightly', '--out', out);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/is too small: snapshot 1 has a copy of origin chunk \d+ \(wrong origin\?\)/);
    expect(fs.existsSync(out)).toBe(false);
    expect(cli('read', cow, '--origin', half, '-s', 'origin', '--out', out).code).toBe(0);
    fs.rmSync(out);
    expect(cli('read', cow, '--origin', origin, '-s', 'nightly', '--out', out).code).toBe(0);
  });
});
