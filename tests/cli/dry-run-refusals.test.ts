import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openInput } from '../../src-main/host/access/inputs.ts';
import { cli, oneLine, tempDir } from './cli.ts';
import { foreignLock, untouched } from './foreign-lock.ts';
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

/** Each run and its dry run: refused alike, by the line `expected` gives, nothing written. */
function refusedAlike(v: Volume, expected: (said: string) => void): void {
  const files = untouched(v.origin, v.cow, v.backup);
  for (const argv of runs(v)) {
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
    const v = volumeWithBackup();
    const cow = v.cow;
    const pid = await foreignLock(cow, { kind: 'OFD', type: 'read', start: 100, len: 2 });
    refusedAlike(v, (said) => expect(said).toBe(`snapscope: COW ${cow} is locked by qemu-system-x86 (pid ${pid}, OFD lock): refusing to write it`));
  }, 60_000);

  it.skipIf(!canLoop)('for a COW in use (attached to a loop device); needs root', () => {
    const v = volumeWithBackup();
    const dev = loop(v.cow);
    refusedAlike(v, (said) => expect(said).toContain(`attached to ${dev}`));
  }, 60_000);

  it('while another snapscope writer or reader holds the COW (this test process, by its record)', () => {
    const v = volumeWithBackup();
    for (const write of [true, false]) {
      const held = openInput(v.cow, 'COW', write);
      try {
        const mode = write ? 'writing' : 'reading';
        refusedAlike(v, (said) => expect(said).toMatch(new RegExp(`^snapscope: COW ${v.cow} is open for ${mode} by \\S.* \\(pid ${process.pid}\\); nothing was written`)));
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
    // Its own process group: flock's child `sleep` holds the lock too, and goes with it.
    const holder = spawn('flock', ['--shared', v.cow, 'sleep', '600'], { stdio: 'ignore', detached: true });
    onTestFinished(() => void process.kill(-holder.pid!, 'SIGKILL'));
    // /proc/locks pads its columns ("FLOCK  ADVISORY  READ 123 ..."): a fixed spacing never matched, and the wait ran to its deadline.
    const held = new RegExp(`^\\d+: FLOCK\\s+ADVISORY\\s+READ\\s+${holder.pid} `, 'm');
    const deadline = Date.now() + 5000;
    while (!held.test(fs.readFileSync('/proc/locks', 'latin1')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(held.test(fs.readFileSync('/proc/locks', 'latin1')), 'flock holds the COW').toBe(true);
    refusedAlike(v, (said) => expect(said).toBe(`snapscope: COW ${v.cow} is in use by another process; nothing was written (try again when it is closed)`));
  }, 60_000);

  it('for a read-only COW file', () => {
    const v = volumeWithBackup();
    const cow = v.cow;
    fs.chmodSync(cow, 0o444);
    // format checks its target as an output first, as its run does.
    refusedAlike(v, (said) => expect(said).toMatch(new RegExp(`^snapscope: (COW|output) ${cow} is a read-only file \\(mode 444\\); refusing to write to it$`)));
  }, 60_000);

  it('with nothing in the way, the dry runs succeed and write nothing', () => {
    const v = volumeWithBackup();
    const files = untouched(v.origin, v.cow, v.backup);
    for (const argv of runs(v)) expect(cli(...argv, '--dry-run').code, argv.join(' ')).toBe(0);
    files.unchanged();
  }, 60_000);
});
