import { describe, expect, it } from 'vitest';
import { openInput } from '../../src-main/host/access/inputs.ts';
import { cli } from './cli.ts';
import { flockHolds, foreignLock, untouched } from './foreign-lock.ts';
import { refusedAlike } from './refused-alike.ts';
import { canLoop, loop } from './safety-fixtures.ts';

/** A command writing an existing target: its arguments, the target, and every file it must leave as it was. */
export interface OntoTarget {
  argv: string[];
  target: string;
  files: string[];
}

/**
 * The dry run of a command that writes an existing output target is refused as its run is when the
 * run opens that target for writing: held by a reader or writer of ours, by flock(1) or another
 * program's lock, a device held through its backing file. `onto(data, target?)` makes a fresh case:
 * a target of zeros or of data (the run then needs --force), or the `target` given.
 */
export function dryRunOntoTarget(command: string, onto: (data: boolean, target?: string) => OntoTarget, succeeded: (r: OntoTarget, stdout: string) => void = () => {}): void {
  const alike = (r: OntoTarget, expected: (said: string) => void): void => refusedAlike([r.argv], r.files, expected);
  const heldBy = (target: string, mode: string) => new RegExp(`^snapscope: output ${target} is open for ${mode} by \\S.* \\(pid ${process.pid}\\); nothing was written`);

  describe(`${command} --dry-run onto a target that exists refuses as its run does`, () => {
    it('while a reader or writer of ours holds the target (this test process, by its record), zeros or data', () => {
      for (const data of [false, true]) {
        const r = onto(data);
        for (const write of [true, false]) {
          const held = openInput(r.target, 'output', write);
          try {
            alike(r, (said) => expect(said).toMatch(heldBy(r.target, write ? 'writing' : 'reading')));
          } finally {
            held.dev.close();
          }
        }
      }
    }, 60_000);

    it('while flock(1) holds the target (no record: "another process")', async () => {
      const r = onto(false);
      await flockHolds(r.target, 'shared');
      alike(r, (said) => expect(said).toBe(`snapscope: output ${r.target} is in use by another process; nothing was written (try again when it is closed)`));
    }, 60_000);

    it("under another program's lock on a target of zeros", async () => {
      const r = onto(false);
      const pid = await foreignLock(r.target, { kind: 'OFD', type: 'read', start: 100, len: 2 });
      alike(r, (said) => expect(said).toBe(`snapscope: output ${r.target} is locked by qemu-system-x86 (pid ${pid}, OFD lock): refusing to write it`));
    }, 60_000);

    it.skipIf(!canLoop)('a device held by a reader of ours through another node (its backing file); needs root', () => {
      const image = onto(false).target;
      const dev = loop(image);
      const r = onto(false, dev);
      const held = openInput(image, 'COW', false);
      try {
        alike(r, (said) => expect(said).toMatch(heldBy(dev, 'reading')));
      } finally {
        held.dev.close();
      }
    }, 60_000);

    it('with nothing in the way, the dry run succeeds and writes nothing', () => {
      for (const data of [false, true]) {
        const r = onto(data);
        const files = untouched(...r.files);
        const dry = cli(...r.argv, '--dry-run');
        expect(dry.code, dry.stderr).toBe(0);
        succeeded(r, dry.stdout);
        files.unchanged();
      }
    }, 60_000);
  });
}
