import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openInput } from '../../src-main/host/access/inputs.ts';
import { lockTableName } from '../../src-main/host/access/lock.ts';
import { HelperDevice, type HelperLauncher } from '../../src-main/host/helper-device.ts';
import { SOURCE_HELPER } from '../../src-main/host/helper-path.ts';
import { ROOT_DIR, tempDir } from '../cli/cli.ts';
import { untouched } from '../cli/foreign-lock.ts';
import { canLoop, loop } from '../cli/safety-fixtures.ts';

// Two edges of the helper protocol's reader lock (OPEN flag 4, protocol.mjs), with real helpers
// run as root as helper-locks.test.ts runs them:
// - a helper of the version before it (e4cc05c, from git) answers OPEN with the size alone: the
//   client takes that as "no lock" (sharedLock 'unavailable'), reads all the same, and its close
//   does not wait for an answer;
// - this helper refuses a shared lock asked with a write or a direct open, and keeps nothing open.
vi.mock('../../src-main/host/may-open.ts', () => ({ mayOpen: (p: string) => !p.startsWith('/dev/loop') }));

const launcher = (helper: string): HelperLauncher => ({ method: 'env -i', command: 'env', args: ['-i', process.execPath, helper] });
const HELPER = launcher(SOURCE_HELPER);
const BEFORE_READER_LOCK = 'e4cc05cdd206547d39250ce20b77f964f6197f46';

/** The helper as it was at `commit` (its directory from git), or null without that history (a tarball, a shallow clone). */
function helperAt(commit: string): string | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-old-helper-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const archive = spawnSync('git', ['-C', ROOT_DIR, 'archive', '--format=tar', commit, 'src-main/helper'], { maxBuffer: 1 << 26 });
  if (archive.status !== 0) return null;
  const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  return untar.status === 0 ? path.join(dir, 'src-main/helper/run-helper.mjs') : null;
}
const oldHelper = canLoop ? helperAt(BEFORE_READER_LOCK) : null;

/** A loop device over a 1 MiB image whose every 4 KiB block holds its own number, and the image. */
function device(): { dev: string; image: string } {
  const image = path.join(tempDir(), 'disk.img');
  const bytes = Buffer.alloc(1 << 20);
  for (let b = 0; b < 256; b++) bytes.fill(b, b * 4096, (b + 1) * 4096);
  fs.writeFileSync(image, bytes);
  return { dev: loop(image), image };
}

/** Whether /proc/locks shows any flock on `dev`'s node. */
function flocked(dev: string): boolean {
  const fd = fs.openSync(dev, 'r');
  try {
    const name = lockTableName(fd);
    return fs.readFileSync('/proc/locks', 'latin1').split('\n').some((l) => l.trim().split(/\s+/)[1] === 'FLOCK' && l.trim().split(/\s+/)[5] === name);
  } finally {
    fs.closeSync(fd);
  }
}

describe.skipIf(!canLoop)('the helper protocol\'s reader lock at its edges (needs root)', () => {
  it.skipIf(oldHelper === null)(`an older helper (no lock byte in its answer): the reader takes "no lock" and reads on${oldHelper === null ? ' (skipped: no git history of the helper)' : ''}`, () => {
    const { dev, image } = device();
    const files = untouched(image);
    const reader = openInput(dev, 'COW', false, launcher(oldHelper!));
    try {
      expect(reader.viaHelper).toBe(true);
      const helperDev = reader.dev as HelperDevice;
      expect(helperDev.sharedLock).toBe('unavailable');
      expect(flocked(dev), 'the older helper holds no flock').toBe(false);
      expect(reader.dev.size).toBe(1 << 20);
      const block = new Uint8Array(4096);
      reader.dev.read(77 * 4096, block);
      expect(block.every((b) => b === 77)).toBe(true);
      // Its record still keeps a writer of ours off.
      expect(() => openInput(dev, 'COW', true)).toThrow(new RegExp(`^COW ${dev} is open for reading by \\S.* \\(pid ${process.pid}, this process\\); nothing was written`));
    } finally {
      const t = Date.now();
      reader.dev.close();
      expect(Date.now() - t, 'its close does not wait for an answer').toBeLessThan(5000);
    }
    // Closed: its record went, a writer opens.
    const w = openInput(dev, 'COW', true);
    w.dev.close();
    files.unchanged();
  }, 30_000);

  it('this helper refuses a shared lock with a write or a direct open, and holds nothing after', () => {
    const { dev, image } = device();
    const files = untouched(image);
    for (const asked of [{ write: true }, { direct: true }]) {
      expect(() => HelperDevice.open(HELPER, dev, { ...asked, shared: true })).toThrow(`${dev}: a shared lock is for plain reads (privileged helper, open)`);
      expect(flocked(dev)).toBe(false);
      // Nothing left open: O_EXCL and the writer's locks are free.
      const w = openInput(dev, 'COW', true);
      w.dev.close();
    }
    // Each alone is served.
    for (const asked of [{ write: true }, { direct: true }, { shared: true }]) HelperDevice.open(HELPER, dev, asked).close();
    files.unchanged();
  }, 30_000);
});
