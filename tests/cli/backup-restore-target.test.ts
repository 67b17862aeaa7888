import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Fixture } from '../core/persistent/kernel-fixtures.ts';
import { cli, oneLine, sha256, tempDir } from './cli.ts';

/**
 * backup-restore writes a backup's saved areas over the COW it is given. A backup names the size
 * of the device it saved and the image file it was taken of: given another COW (a typo, two
 * stores with backups side by side), it must refuse, not overwrite that store's header.
 */
describe('backup-restore onto a COW the backup was not taken of', () => {
  it('another size: refused, nothing written; another image file of the same size: refused without --force', () => {
    const dir = tempDir();
    expect(cli('demo', dir).code).toBe(0);
    const cow = path.join(dir, 'shared.cow');
    const pristine = path.join(dir, 'pristine.cow');
    fs.copyFileSync(cow, pristine);
    const dump = path.join(dir, 'd.json');
    expect(cli('dump', cow, '--out', dump).code).toBe(0);
    const backup = path.join(dir, 'b.backup');
    expect(cli('restore', cow, '--dump', dump, '--backup', backup).code).toBe(0);

    const kernel = path.join(dir, 'kernel.cow');
    fs.writeFileSync(kernel, new Fixture('p-basic-c8').image('cow'));
    const before = sha256(kernel);
    for (const extra of [[], ['--dry-run']]) {
      const r = cli('backup-restore', kernel, '--backup', backup, ...extra);
      expect(r.code).toBe(2);
      expect(oneLine(r)).toMatch(/was taken of a device of 2097152 bytes; .*kernel\.cow holds 1048576: not a backup of this COW; nothing was written/);
    }
    expect(sha256(kernel)).toBe(before);

    const copy = path.join(dir, 'copy.cow');
    fs.copyFileSync(cow, copy);
    const r = cli('backup-restore', copy, '--backup', backup);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/was taken of another image file than .*copy\.cow.*--force/);
    expect(cli('backup-restore', copy, '--backup', backup, '--force').code).toBe(0);
    expect(sha256(copy)).toBe(sha256(pristine));

    // The COW it was taken of takes it as before.
    expect(cli('backup-restore', cow, '--backup', backup).code).toBe(0);
    expect(sha256(cow)).toBe(sha256(pristine));
  });
});
