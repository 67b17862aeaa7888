import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { assertWouldWrite, openInput } from '../../src-main/host/access/inputs.ts';
import type { HelperLauncher } from '../../src-main/host/helper-device.ts';
import { SOURCE_HELPER } from '../../src-main/host/helper-path.ts';
import { tempDir } from '../cli/cli.ts';
import { flockHolds, untouched } from '../cli/foreign-lock.ts';
import { canLoop, loop } from '../cli/safety-fixtures.ts';

// A writer refused by a flock that no record names says what the lock table shows: "open for
// writing by another process" only under an exclusive flock (a writer's); under a shared one (a
// reader through the privileged helper that could leave no record, flock --shared) "in use by
// another process". Before, both said "open for writing".
//
// As in helper-locks.test.ts, root's opens of a loop device are sent through the helper by access(2) alone.
vi.mock('../../src-main/host/may-open.ts', () => ({ mayOpen: (p: string) => !p.startsWith('/dev/loop') }));
const HELPER: HelperLauncher = { method: 'env -i', command: 'env', args: ['-i', process.execPath, SOURCE_HELPER] };

const refusal = (p: string, how: string): string => `COW ${p} is ${how} by another process; nothing was written (try again when it is closed)`;

function image(): string {
  const f = path.join(tempDir(), 'disk.img');
  fs.writeFileSync(f, Buffer.alloc(1 << 20, 0x5a));
  return f;
}

describe('a writer refused by a flock no record names', () => {
  it('a shared flock: "in use by another process", the dry run alike', async () => {
    const f = image();
    const files = untouched(f);
    await flockHolds(f, 'shared');
    expect(() => openInput(f, 'COW', true)).toThrow(refusal(f, 'in use'));
    expect(() => assertWouldWrite(f, 'COW')).toThrow(refusal(f, 'in use'));
    files.unchanged();
  }, 30_000);

  it('an exclusive flock: "open for writing by another process", the dry run alike', async () => {
    const f = image();
    await flockHolds(f, 'exclusive');
    expect(() => openInput(f, 'COW', true)).toThrow(refusal(f, 'open for writing'));
    expect(() => assertWouldWrite(f, 'COW')).toThrow(refusal(f, 'open for writing'));
  }, 30_000);

  it.skipIf(!canLoop)("a reader through the helper with no record (no runtime directory): root's writers say \"in use\"; needs root", () => {
    const f = image();
    const dev = loop(f);
    const files = untouched(f);
    vi.stubEnv('XDG_RUNTIME_DIR', f); // a file: no record can be written
    let reader: ReturnType<typeof openInput>;
    try {
      reader = openInput(dev, 'COW', false, HELPER);
    } finally {
      vi.unstubAllEnvs();
    }
    try {
      expect(reader.viaHelper).toBe(true);
      expect(() => openInput(dev, 'COW', true)).toThrow(refusal(dev, 'in use'));
      expect(() => openInput(dev, 'COW', true, HELPER)).toThrow(refusal(dev, 'in use'));
      expect(() => assertWouldWrite(dev, 'COW')).toThrow(refusal(dev, 'in use'));
    } finally {
      reader.dev.close();
    }
    files.unchanged();
  }, 30_000);
});
