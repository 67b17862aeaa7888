import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Fixture, type CaseName } from '../core/persistent/kernel-fixtures.ts';
import { cli, cliJson, sha256, tempDir } from './cli.ts';
import { sharedVolume } from './safety-fixtures.ts';

/**
 * `repair --in-place` on a store with nothing to repair (thin_repair, e2fsck -p): it says so, writes
 * nothing, takes no backup and exits 0. Healthy shared and persistent stores, and a persistent one
 * the kernel invalidated whose areas are sound (repair keeps it invalid: the same bytes).
 */
function kernelCow(name: CaseName, dir: string): string {
  const out = path.join(dir, `${name}.cow`);
  fs.writeFileSync(out, new Fixture(name).image('cow'));
  return out;
}

/** Breaks the bitmap's first byte: check reports it, repair rebuilds it. */
function damage(cow: string): void {
  const fd = fs.openSync(cow, 'r+');
  fs.writeSync(fd, Buffer.alloc(1), 0, 1, 4096);
  fs.closeSync(fd);
}

/** The store's bytes and mtime: a write of identical bytes still moves the mtime. */
const state = (file: string) => ({ sha256: sha256(file), mtimeNs: fs.statSync(file, { bigint: true }).mtimeNs });

describe('repair --in-place with nothing to repair', () => {
  const stores: [string, (dir: string) => string][] = [
    ['a healthy shared store', (dir) => sharedVolume(dir).cow],
    ['a healthy persistent store (kernel-written)', (dir) => kernelCow('p-basic-c8', dir)],
    ['a persistent store of three areas (kernel-written)', (dir) => kernelCow('p-multiarea-c8', dir)],
    ['a kernel-invalidated persistent store whose areas are sound', (dir) => kernelCow('p-overflow', dir)],
  ];
  for (const [what, make] of stores) {
    it(`${what}: says so, writes nothing, takes no backup, exits 0`, () => {
      const dir = tempDir();
      const cow = make(dir);
      const before = state(cow);
      const files = fs.readdirSync(dir);
      const r = cli('repair', cow, '--in-place');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim().split('\n').at(-1)).toBe(`nothing to repair: ${cow} was left as it was (no backup taken)`);
      expect(state(cow)).toEqual(before);
      expect(fs.readdirSync(dir)).toEqual(files); // no backup file
      const given = path.join(dir, 'given.bak');
      const j = cliJson('repair', cow, '--in-place', '--backup', given);
      expect(j.code).toBe(0);
      expect(j.value).toMatchObject({ nothingToRepair: true, written: 0, backup: null });
      expect(fs.existsSync(given)).toBe(false);
      expect(state(cow)).toEqual(before);
      expect(cliJson('repair', cow, '--dry-run').value.nothingToRepair).toBe(true);
    });
  }

  it('a damaged store is still repaired, with a backup', () => {
    const dir = tempDir();
    const { cow } = sharedVolume(dir);
    damage(cow);
    expect(cliJson('repair', cow, '--dry-run').value.nothingToRepair).toBe(false);
    const r = cliJson('repair', cow, '--in-place');
    expect(r.code).toBe(0);
    expect(r.value).toMatchObject({ nothingToRepair: false, backup: `${cow}.snapscope-backup` });
    expect(fs.existsSync(`${cow}.snapscope-backup`)).toBe(true);
  });
});
