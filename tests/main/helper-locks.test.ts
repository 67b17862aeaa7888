import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { holdersOf } from '../../src-main/host/access/holders.ts';
import { openInput, type OpenedInput } from '../../src-main/host/access/inputs.ts';
import { inspectTarget } from '../../src-main/host/access/target.ts';
import type { HelperLauncher } from '../../src-main/host/helper-device.ts';
import { SOURCE_HELPER } from '../../src-main/host/helper-path.ts';
import { THIS_HOST, openLiveCow } from '../../src-main/host/live/live-cow.ts';
import { tempDir } from '../cli/cli.ts';
import { flockHolds, foreignLock, untouched } from '../cli/foreign-lock.ts';
import { canLoop, loop } from '../cli/safety-fixtures.ts';

// The privileged helper's writers lock the devices they open as the CLI's writers do (ADR 0006): a
// device another program holds a POSIX or OFD lock on is refused, naming the holder; a device the
// helper writes is seen by snapscope's readers and writers and by other programs (qemu).
//
// The helper runs for real (its own process, as root: this test's user). What sends a user's open
// through the helper is only access(2) on the device, which root always passes: that probe alone
// answers "no" here, so openInput takes the helper's way as it does for an unprivileged app user
// (tests/main/helper.test.ts runs that user's way through sudo, where .ci/setup-helper-test.sh allows it).
vi.mock('../../src-main/host/may-open.ts', () => ({ mayOpen: (p: string) => !p.startsWith('/dev/loop') }));

/** Started as sudo and pkexec start it: root, an environment cleared of the caller's (no PATH: it finds perl itself). */
const HELPER: HelperLauncher = { method: 'env -i', command: 'env', args: ['-i', process.execPath, SOURCE_HELPER] };

/** How a refusal names a holder record of this process ("snapscope … (pid N, this process)"). */
const THIS = `\\S.* \\(pid ${process.pid}, this process\\)`;

/** A loop device over a 1 MiB image of non-zero bytes, and the image. */
function device(): { dev: string; image: string } {
  const image = path.join(tempDir(), 'disk.img');
  fs.writeFileSync(image, Buffer.alloc(1 << 20, 0x5a));
  return { dev: loop(image), image };
}

function withInput<T>(input: OpenedInput, f: (i: OpenedInput) => T): T {
  try {
    return f(input);
  } finally {
    input.dev.close();
  }
}

describe.skipIf(!canLoop)('writes through the privileged helper under the writers\' locks', () => {
  it("refuses to write a device under another program's OFD or POSIX lock, naming it; reads it", async () => {
    const { dev, image } = device();
    const files = untouched(image);
    const vm = await foreignLock(dev, { kind: 'OFD', type: 'read', start: 100, len: 2 });
    expect(() => openInput(dev, 'COW', true, HELPER)).toThrow(`COW ${dev} is locked by qemu-system-x86 (pid ${vm}, OFD lock): refusing to write it`);
    // A reader through the helper is not refused.
    withInput(openInput(dev, 'COW', false, HELPER), (i) => expect(i.viaHelper).toBe(true));
    const dev2 = device().dev;
    const tool = await foreignLock(dev2, { kind: 'POSIX', type: 'write', start: 0, len: 0, name: 'vm-writer' });
    expect(() => openInput(dev2, 'origin', true, HELPER)).toThrow(`origin ${dev2} is locked by vm-writer (pid ${tool}, POSIX lock): refusing to write it`);
    files.unchanged();
  }, 30_000);

  it("a device a writer of ours or flock(1) holds: the helper's writer is refused, saying by whom", async () => {
    const { dev } = device();
    const cliWriter = openInput(dev, 'COW', true);
    try {
      // O_EXCL refuses the helper; the writer's record names it (this very process, here).
      expect(() => openInput(dev, 'COW', true, HELPER)).toThrow(new RegExp(`^COW ${dev} is open for writing by \\S.* \\(pid ${process.pid}, this process\\); nothing was written`));
    } finally {
      cliWriter.dev.close();
    }
    // flock(1) opens without O_EXCL: its flock refuses the helper.
    await flockHolds(dev, 'exclusive');
    expect(() => openInput(dev, 'COW', true, HELPER)).toThrow(`COW ${dev} is open for writing by another process; nothing was written (try again when it is closed)`);
  }, 30_000);

  it('a device the helper writes: a CLI writer is refused, readers (direct or through the helper) told, another program kept off', async () => {
    const { dev } = device();
    const helperWriter = openInput(dev, 'COW', true, HELPER);
    try {
      expect(helperWriter.viaHelper).toBe(true);
      // Its record names it, as a direct writer's does (this very process, here).
      expect(() => openInput(dev, 'COW', true)).toThrow(new RegExp(`^COW ${dev} is open for writing by ${THIS}; nothing was written`));
      const reader = openInput(dev, 'COW', false);
      const note = await reader.fullNote().finally(() => reader.dev.close());
      expect(note?.text).toMatch(new RegExp(`^${dev} is open for writing by ${THIS}; reading its last committed state$`));
      // A reader through the helper (another app user's session) is told as well.
      const viaHelper = openInput(dev, 'COW', false, HELPER);
      expect(viaHelper.viaHelper).toBe(true);
      expect(await viaHelper.fullNote().finally(() => viaHelper.dev.close())).toEqual(note);
      // qemu's OFD lock on a disk it runs, even a shared one, cannot be taken while the helper writes.
      await expect(foreignLock(dev, { kind: 'OFD', type: 'read', start: 0, len: 1 })).rejects.toThrow(/lock .*: Resource temporarily unavailable/);
    } finally {
      helperWriter.dev.close();
    }
    // Closed, the device is free again.
    withInput(openInput(dev, 'COW', true), (w) => expect(w.viaHelper).toBe(false));
  }, 30_000);

  it('a reader through the helper keeps writers off as a direct reader does, and a direct reader keeps the helper writer off', () => {
    const { dev, image } = device();
    const files = untouched(image);
    withInput(openInput(dev, 'COW', false, HELPER), (r) => {
      expect(r.viaHelper).toBe(true);
      expect(() => openInput(dev, 'COW', true)).toThrow(new RegExp(`^COW ${dev} is open for reading by ${THIS}; nothing was written`));
      expect(() => openInput(dev, 'COW', true, HELPER)).toThrow(new RegExp(`^COW ${dev} is open for reading by ${THIS}; nothing was written`));
    });
    withInput(openInput(image, 'COW', false), () => {
      expect(() => openInput(dev, 'COW', true, HELPER)).toThrow(new RegExp(`^COW ${dev} is open for reading by ${THIS}; nothing was written`));
    });
    files.unchanged();
    // Closed, their records are gone: the helper's writer opens, and leaves none behind either.
    withInput(openInput(dev, 'COW', true, HELPER), (w) => expect(w.viaHelper).toBe(true));
    withInput(openInput(dev, 'COW', true), (w) => expect(w.viaHelper).toBe(false));
  }, 30_000);

  it('a live COW read through the helper is recorded as a reader, as its other opens are: writers of ours are refused naming it, until it is closed', () => {
    const { dev, image } = device();
    const files = untouched(image);
    const live = openLiveCow(dev, THIS_HOST, HELPER);
    try {
      expect(live.viaHelper).toBe(true);
      expect(() => openInput(dev, 'COW', true)).toThrow(new RegExp(`^COW ${dev} is open for reading by ${THIS}; nothing was written`));
      // Through its backing file too: the record holds the image's bytes.
      expect(holdersOf({ key: inspectTarget(image).key!, start: 0, end: 1 << 20 })).toEqual([expect.objectContaining({ pid: process.pid, mode: 'read' })]);
    } finally {
      live.dev.close();
    }
    files.unchanged();
    withInput(openInput(dev, 'COW', true), (w) => expect(w.viaHelper).toBe(false));
  }, 30_000);

  it('a live COW this user may read itself is recorded as a reader too', () => {
    const image = path.join(tempDir(), 'live.cow');
    fs.writeFileSync(image, Buffer.alloc(1 << 20, 0x5a));
    const live = openLiveCow(image, THIS_HOST, HELPER);
    try {
      expect(live.viaHelper).toBe(false);
      expect(() => openInput(image, 'COW', true)).toThrow(new RegExp(`^COW ${image} is open for reading by ${THIS}; nothing was written`));
    } finally {
      live.dev.close();
    }
    expect(holdersOf({ key: inspectTarget(image).key!, start: 0, end: 1 << 20 })).toEqual([]);
  }, 30_000);

  it('a reader through the helper that can write no record (no runtime directory) keeps writers off all the same: the helper holds a shared flock for it', () => {
    const { dev, image } = device();
    const files = untouched(image);
    // A runtime directory that is a file: no record can be written.
    vi.stubEnv('XDG_RUNTIME_DIR', image);
    let reader: OpenedInput;
    try {
      reader = openInput(dev, 'COW', false, HELPER);
    } finally {
      vi.unstubAllEnvs();
    }
    withInput(reader, (r) => {
      expect(r.viaHelper).toBe(true);
      // No record names it: the (shared) flock says "in use by another process", as a direct reader's without a record does.
      expect(() => openInput(dev, 'COW', true)).toThrow(`COW ${dev} is in use by another process; nothing was written (try again when it is closed)`);
      expect(() => openInput(dev, 'COW', true, HELPER)).toThrow(`COW ${dev} is in use by another process; nothing was written (try again when it is closed)`);
    });
    files.unchanged();
    // Closed (the helper has answered: its flock is gone), a writer opens at once.
    withInput(openInput(dev, 'COW', true), (w) => expect(w.viaHelper).toBe(false));
  }, 30_000);
});
