import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, oneLine, tempDir } from './cli.ts';
import { foreignLock, untouched } from './foreign-lock.ts';
import { canLoop, loop, sharedVolume } from './safety-fixtures.ts';

// A dry run writes nothing, yet says whether the real run would be refused: for `snapshot delete`,
// `repair --in-place` and `backup-restore`, the same refusal, word for word, as the run it stands
// for, under another program's lock and for a COW in use (as merge, format and restore do).

/** A shared volume whose COW has an in-place repair's backup beside it (what backup-restore writes back). */
function volumeWithBackup(): { cow: string; backup: string } {
  const { cow } = sharedVolume(tempDir());
  const fd = fs.openSync(cow, 'r+');
  fs.writeSync(fd, Buffer.alloc(1), 0, 1, 4096); // the bitmap's first byte: a repair rewrites it
  fs.closeSync(fd);
  expect(cli('repair', cow, '--in-place').code).toBe(0);
  return { cow, backup: `${cow}.snapscope-backup` };
}

const runs = (cow: string, backup: string): string[][] => [
  ['snapshot', 'delete', cow, '-s', 'one'],
  ['repair', cow, '--in-place'],
  ['backup-restore', cow, '--backup', backup],
];

/** Each run and its dry run: refused alike, by the line `expected` gives, nothing written. */
function refusedAlike(cow: string, backup: string, expected: (said: string) => void): void {
  const files = untouched(cow, backup);
  for (const argv of runs(cow, backup)) {
    const real = cli(...argv);
    const dry = cli(...argv, '--dry-run');
    expect(real.code, argv.join(' ')).toBe(1);
    expect(dry.code, `${argv.join(' ')} --dry-run: ${dry.stdout}`).toBe(1);
    expect(oneLine(dry), `${argv.join(' ')} --dry-run`).toBe(oneLine(real));
    expected(oneLine(real));
  }
  files.unchanged();
}

describe('dry runs of snapshot delete, repair --in-place and backup-restore refuse as their runs do', () => {
  it("under another program's lock on the COW", async () => {
    const { cow, backup } = volumeWithBackup();
    const pid = await foreignLock(cow, { kind: 'OFD', type: 'read', start: 100, len: 2 });
    refusedAlike(cow, backup, (said) => expect(said).toBe(`snapscope: COW ${cow} is locked by qemu-system-x86 (pid ${pid}, OFD lock): refusing to write it`));
  }, 60_000);

  it.skipIf(!canLoop)('for a COW in use (attached to a loop device); needs root', () => {
    const { cow, backup } = volumeWithBackup();
    const dev = loop(cow);
    refusedAlike(cow, backup, (said) => expect(said).toContain(`attached to ${dev}`));
  }, 60_000);

  it('with nothing in the way, the dry runs succeed and write nothing', () => {
    const { cow, backup } = volumeWithBackup();
    const files = untouched(cow, backup);
    for (const argv of runs(cow, backup)) expect(cli(...argv, '--dry-run').code, argv.join(' ')).toBe(0);
    files.unchanged();
    expect(path.basename(backup)).toBe('shared.cow.snapscope-backup');
  }, 60_000);
});
