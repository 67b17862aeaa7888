import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openInput } from '../../src-main/host/access/inputs.ts';
import { cli, tempDir } from './cli.ts';
import { flockHolds, foreignLock, untouched } from './foreign-lock.ts';
import { refusedAlike } from './refused-alike.ts';
import { canLoop, loop, sharedVolume } from './safety-fixtures.ts';

// `restore --dry-run` onto a new target that exists (an image or device holding no store, written
// with --data-from) is refused as its run would be when the run opens that target for writing: held
// by a reader or writer of ours, by flock(1) or another program's lock, in use, read-only. Before,
// it looked only for other programs' locks, and only on a target holding data.

/** A store, its dump, and an existing target beside them: zeros (`data` false) or data (written with --force). */
function restoreOnto(data: boolean, target?: string): { cow: string; dump: string; target: string; argv: string[] } {
  const dir = tempDir();
  const { cow } = sharedVolume(dir);
  const dump = path.join(dir, 'dump.json');
  expect(cli('dump', cow, '--out', dump).code).toBe(0);
  const out = target ?? path.join(dir, 'new.img');
  if (!target) fs.writeFileSync(out, Buffer.alloc(fs.statSync(cow).size, data ? 0x5a : 0));
  return { cow, dump, target: out, argv: ['restore', out, '--dump', dump, '--data-from', cow, ...(data ? ['--force'] : [])] };
}

/** The run and its dry run: refused alike, by the line `expected` checks, nothing written. */
const refusedAlikeOnto = (r: ReturnType<typeof restoreOnto>, expected: (said: string) => void): void => refusedAlike([r.argv], [r.cow, r.dump, r.target], expected);

describe('restore --dry-run onto a new target that exists refuses as its run does', () => {
  it('while a reader or writer of ours holds the target (this test process, by its record), zeros or data', () => {
    for (const data of [false, true]) {
      const r = restoreOnto(data);
      for (const write of [true, false]) {
        const held = openInput(r.target, 'output', write);
        try {
          refusedAlikeOnto(r, (said) => expect(said).toMatch(new RegExp(`^snapscope: output ${r.target} is open for ${write ? 'writing' : 'reading'} by \\S.* \\(pid ${process.pid}\\); nothing was written`)));
        } finally {
          held.dev.close();
        }
      }
    }
  }, 60_000);

  it('while flock(1) holds the target (no record: "another process")', async () => {
    const r = restoreOnto(false);
    await flockHolds(r.target, 'shared');
    refusedAlikeOnto(r, (said) => expect(said).toBe(`snapscope: output ${r.target} is in use by another process; nothing was written (try again when it is closed)`));
  }, 60_000);

  it("under another program's lock on a target of zeros", async () => {
    const r = restoreOnto(false);
    const pid = await foreignLock(r.target, { kind: 'OFD', type: 'read', start: 100, len: 2 });
    refusedAlikeOnto(r, (said) => expect(said).toBe(`snapscope: output ${r.target} is locked by qemu-system-x86 (pid ${pid}, OFD lock): refusing to write it`));
  }, 60_000);

  it.skipIf(!canLoop)('a device held by a reader of ours through another node (its backing file); needs root', () => {
    const r0 = restoreOnto(false);
    const dev = loop(r0.target);
    const r = restoreOnto(false, dev);
    const held = openInput(r0.target, 'COW', false);
    try {
      refusedAlikeOnto(r, (said) => expect(said).toMatch(new RegExp(`^snapscope: output ${dev} is open for reading by \\S.* \\(pid ${process.pid}\\); nothing was written`)));
    } finally {
      held.dev.close();
    }
  }, 60_000);

  it('with nothing in the way, the dry run succeeds and writes nothing', () => {
    for (const data of [false, true]) {
      const r = restoreOnto(data);
      const files = untouched(r.cow, r.dump, r.target);
      const dry = cli(...r.argv, '--dry-run');
      expect(dry.code, dry.stderr).toBe(0);
      files.unchanged();
    }
  }, 60_000);
});
