import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR, oneLine, tempDir } from './cli.ts';
import { guard, sharedVolume } from './safety-fixtures.ts';

const BIN = path.join(ROOT_DIR, 'bin/snapscope.mjs');

/**
 * An input file that never ends (/dev/zero, /dev/urandom) is refused with one clear line, within
 * seconds and without filling memory: it was read to its end first. (A pipe that ends, as
 * `--script <(gen)` gives, is still read.)
 */
describe('inputs that never end', () => {
  for (const [name, argv] of [
    ['write --data-file /dev/zero', (v: { cow: string; origin: string }) => ['write', v.cow, '--origin', v.origin, '-s', 'origin', '--chunk', '0', '--data-file', '/dev/zero']],
    ['replay --script /dev/zero', (v: { cow: string; origin: string }) => ['replay', v.cow, '--origin', v.origin, '--script', '/dev/zero']],
    ['backup-restore --backup /dev/urandom', (v: { cow: string; origin: string }) => ['backup-restore', v.cow, '--backup', '/dev/urandom']],
  ] as const) {
    it(`${name} is refused at once, writing nothing`, { timeout: 30_000 }, () => {
      const v = sharedVolume(tempDir());
      const g = guard(v.cow, v.origin);
      const r = spawnSync(process.execPath, [BIN, ...argv(v)], { cwd: ROOT_DIR, encoding: 'utf8', timeout: 15_000 });
      expect(r.signal, 'ended on its own').toBeNull();
      expect(r.status).toBe(2);
      expect(oneLine({ code: r.status!, stdout: r.stdout, stderr: r.stderr })).toMatch(/\/dev\/(zero|urandom)/);
      g.unchanged();
    });
  }
});
