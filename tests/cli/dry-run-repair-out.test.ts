import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openInput } from '../../src-main/host/access/inputs.ts';
import { cli, tempDir } from './cli.ts';
import { flockHolds, foreignLock, untouched } from './foreign-lock.ts';
import { refusedAlike } from './refused-alike.ts';
import { canLoop, loop, sharedVolume } from './safety-fixtures.ts';

// `repair --out F --dry-run` onto an F that exists refuses as the run does when the run opens F for
// writing (restore's dry run had this gap, dry-run-restore-new.test.ts): held by a reader or writer
// of ours, by flock(1) or another program's lock. Before, the dry run checked only planOutput's
// rules (an input as the target) and said "--out would replace ..." with exit 0.

/** A store and an existing --out beside it: zeros, or data (then the run needs --force). */
function repairOnto(data: boolean, target?: string): { cow: string; target: string; argv: string[] } {
  const dir = tempDir();
  const { cow } = sharedVolume(dir);
  const out = target ?? path.join(dir, 'repaired.cow');
  if (!target) fs.writeFileSync(out, Buffer.alloc(fs.statSync(cow).size, data ? 0x5a : 0));
  return { cow, target: out, argv: ['repair', cow, '--out', out, ...(data ? ['--force'] : [])] };
}

/** The run and its dry run: refused alike, by the line `expected` checks, nothing written. */
const refusedAlikeOnto = (r: ReturnType<typeof repairOnto>, expected: (said: string) => void): void => refusedAlike([r.argv], [r.cow, r.target], expected);

describe('repair --out --dry-run onto a target that exists refuses as its run does', () => {
  it('while a reader or writer of ours holds the target (this test process, by its record), zeros or data', () => {
    for (const data of [false, true]) {
      const r = repairOnto(data);
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
    const r = repairOnto(false);
    await flockHolds(r.target, 'shared');
    refusedAlikeOnto(r, (said) => expect(said).toBe(`snapscope: output ${r.target} is in use by another process; nothing was written (try again when it is closed)`));
  }, 60_000);

  it("under another program's lock on a target of zeros", async () => {
    const r = repairOnto(false);
    const pid = await foreignLock(r.target, { kind: 'OFD', type: 'read', start: 100, len: 2 });
    refusedAlikeOnto(r, (said) => expect(said).toBe(`snapscope: output ${r.target} is locked by qemu-system-x86 (pid ${pid}, OFD lock): refusing to write it`));
  }, 60_000);

  it.skipIf(!canLoop)('a device held by a reader of ours through another node (its backing file); needs root', () => {
    const r0 = repairOnto(false);
    const dev = loop(r0.target);
    const r = repairOnto(false, dev);
    const held = openInput(r0.target, 'COW', false);
    try {
      refusedAlikeOnto(r, (said) => expect(said).toMatch(new RegExp(`^snapscope: output ${dev} is open for reading by \\S.* \\(pid ${process.pid}\\); nothing was written`)));
    } finally {
      held.dev.close();
    }
  }, 60_000);

  it('with nothing in the way, the dry run succeeds, says what --out would do and writes nothing', () => {
    for (const data of [false, true]) {
      const r = repairOnto(data);
      const files = untouched(r.cow, r.target);
      const dry = cli(...r.argv, '--dry-run');
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toContain(`--out would overwrite ${r.target}`);
      files.unchanged();
    }
  }, 60_000);
});
