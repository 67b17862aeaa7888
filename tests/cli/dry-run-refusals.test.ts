import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openInput } from '../../src-main/host/access/inputs.ts';
import { cli, oneLine, tempDir } from './cli.ts';
import { flockHolds, foreignLock, untouched } from './foreign-lock.ts';
import { refusedAlike } from './refused-alike.ts';
import { canLoop, loop, sharedVolume } from './safety-fixtures.ts';

// A dry run writes nothing, yet says whether the real run would be refused: for `snapshot delete`,
// `repair --in-place`, `backup-restore`, `merge` and `format`, the same refusal, word for word, as the run it
// stands for: under another program's lock, for a COW in use, held by a reader or writer of ours or
// by flock(1), for a read-only COW.

/** A shared volume whose COW has an in-place repair's backup beside it (what backup-restore writes back). */
function volumeWithBackup(): { origin: string; cow: string; backup: string } {
  const { origin, cow } = sharedVolume(tempDir());
  const fd = fs.openSync(cow, 'r+');
  fs.writeSync(fd, Buffer.alloc(1), 0, 1, 4096); // the bitmap's first byte: a repair rewrites it
  fs.closeSync(fd);
  expect(cli('repair', cow, '--in-place').code).toBe(0);
  return { origin, cow, backup: `${cow}.snapscope-backup` };
}

const runs = ({ origin, cow, backup }: Volume): string[][] => [
  ['snapshot', 'delete', cow, '-s', 'one'],
  ['repair', cow, '--in-place'],
  ['backup-restore', cow, '--backup', backup],
  ['merge', cow, '--origin', origin, '-s', 'one'],
  ['format', cow, '--kind', 'shared', '--force'],
];

type Volume = ReturnType<typeof volumeWithBackup>;

/** Every run of `runs(v)` and its dry run: refused alike, by the line `expected` checks, nothing written. */
const refusedAlikeIn = (v: Volume, expected: (said: string) => void): void => refusedAlike(runs(v), [v.origin, v.cow, v.backup], expected);

describe('dry runs of snapshot delete, repair --in-place and backup-restore refuse as their runs do', () => {
  it("under another program's lock on the COW", async () => {
    const v = volumeWithBackup();
    const cow = v.cow;
    const pid = await foreignLock(cow, { kind: 'OFD', type: 'read', start: 100, len: 2 });
    refusedAlikeIn(v, (said) => expect(said).toBe(`snapscope: COW ${cow} is locked by qemu-system-x86 (pid ${pid}, OFD lock): refusing to write it`));
  }, 60_000);

  it.skipIf(!canLoop)('for a COW in use (attached to a loop device); needs root', () => {
    const v = volumeWithBackup();
    const dev = loop(v.cow);
    refusedAlikeIn(v, (said) => expect(said).toContain(`attached to ${dev}`));
  }, 60_000);

  it('while another snapscope writer or reader holds the COW (this test process, by its record)', () => {
    const v = volumeWithBackup();
    for (const write of [true, false]) {
      const held = openInput(v.cow, 'COW', write);
      try {
        const mode = write ? 'writing' : 'reading';
        refusedAlikeIn(v, (said) => expect(said).toMatch(new RegExp(`^snapscope: COW ${v.cow} is open for ${mode} by \\S.* \\(pid ${process.pid}\\); nothing was written`)));
      } finally {
        held.dev.close();
      }
    }
  }, 60_000);

  it('restore in place, while another snapscope writer or reader holds the COW', () => {
    const v = volumeWithBackup();
    const dump = `${v.cow}.json`;
    expect(cli('dump', v.cow, '--out', dump).code).toBe(0);
    const files = untouched(v.cow, dump);
    for (const write of [true, false]) {
      const held = openInput(v.cow, 'COW', write);
      try {
        const [real, dry] = [cli('restore', v.cow, '--dump', dump), cli('restore', v.cow, '--dump', dump, '--dry-run')];
        expect([real.code, dry.code]).toEqual([1, 1]);
        expect(oneLine(dry)).toBe(oneLine(real));
        expect(oneLine(real)).toMatch(new RegExp(`^snapscope: COW ${v.cow} is open for ${write ? 'writing' : 'reading'} by \\S.* \\(pid ${process.pid}\\); nothing was written`));
      } finally {
        held.dev.close();
      }
    }
    files.unchanged();
  }, 60_000);

  it('while flock(1) holds the COW (no record: "another process")', async () => {
    const v = volumeWithBackup();
    await flockHolds(v.cow, 'shared');
    refusedAlikeIn(v, (said) => expect(said).toBe(`snapscope: COW ${v.cow} is in use by another process; nothing was written (try again when it is closed)`));
  }, 60_000);

  it('for a read-only COW file', () => {
    const v = volumeWithBackup();
    const cow = v.cow;
    fs.chmodSync(cow, 0o444);
    // format checks its target as an output first, as its run does.
    refusedAlikeIn(v, (said) => expect(said).toMatch(new RegExp(`^snapscope: (COW|output) ${cow} is a read-only file \\(mode 444\\); refusing to write to it$`)));
  }, 60_000);

  it('with nothing in the way, the dry runs succeed and write nothing', () => {
    const v = volumeWithBackup();
    const files = untouched(v.origin, v.cow, v.backup);
    for (const argv of runs(v)) expect(cli(...argv, '--dry-run').code, argv.join(' ')).toBe(0);
    files.unchanged();
  }, 60_000);
});
