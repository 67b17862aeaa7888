import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Fixture } from '../core/persistent/kernel-fixtures.ts';
import { cli, oneLine, sha256, tempDir } from './cli.ts';

/**
 * A dump's exceptions point at data chunks of the store it was dumped from. Restored "in place"
 * onto a store of another format or chunk size, every snapshot would read that store's unrelated
 * chunks, and the store there is replaced: refused without --force, nothing written.
 */
describe('restore onto a store that cannot be the dumped one', () => {
  it('a persistent dump onto a shared store (and the reverse): refused, the target untouched', () => {
    const dir = tempDir();
    expect(cli('demo', dir).code).toBe(0);
    const shared = path.join(dir, 'shared.cow');
    const persistent = path.join(dir, 'p.cow');
    fs.writeFileSync(persistent, new Fixture('p-basic-c8').image('cow'));
    const pDump = path.join(dir, 'p.json');
    const sDump = path.join(dir, 's.json');
    expect(cli('dump', persistent, '--out', pDump).code).toBe(0);
    expect(cli('dump', shared, '--out', sDump).code).toBe(0);
    for (const [target, dump, words] of [
      [shared, pDump, /holds a shared store of 512-byte chunks; the dump is of a persistent store of 4096-byte chunks/],
      [persistent, sDump, /holds a persistent store of 4096-byte chunks; the dump is of a shared store of 512-byte chunks/],
    ] as const) {
      const before = sha256(target);
      for (const extra of [[], ['--dry-run']]) {
        const r = cli('restore', target, '--dump', dump, ...extra);
        expect(r.code, r.stderr).toBe(2);
        expect(oneLine(r)).toMatch(words);
        expect(oneLine(r)).toMatch(/--force/);
      }
      // --json: progress lines, then the error as the last line.
      const last = cli('restore', target, '--dump', dump, '--json').stdout.trim().split('\n').at(-1)!;
      expect(JSON.parse(last).error.code).toBe('usage');
      expect(sha256(target)).toBe(before);
      expect(fs.existsSync(`${target}.snapscope-backup`)).toBe(false);
    }
  });

  it('the same format and chunk size (the store itself, or a copy) is still rewritten in place', () => {
    const dir = tempDir();
    expect(cli('demo', dir).code).toBe(0);
    const shared = path.join(dir, 'shared.cow');
    const dump = path.join(dir, 's.json');
    expect(cli('dump', shared, '--out', dump).code).toBe(0);
    const r = cli('restore', shared, '--dump', dump);
    expect(r.code, r.stderr).toBe(0);
    expect(cli('check', shared).code).toBe(0);
  });
});
