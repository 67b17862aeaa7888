/** The API under another program's lock (qemu's OFD locks on an image it runs): what the CLI refuses, it refuses, naming the holder. */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { createDemoStore } from '../../src-main/host/demo-store.ts';
import { foreignLock, untouched } from '../cli/foreign-lock.ts';
import { snapscope, startApi } from './api-client.ts';
import { tempDir } from './fixtures.ts';

it('a store asked for writing opens read-only, naming the holder; writes and an in-place restore are refused with the CLI message', async () => {
  const dir = tempDir();
  const demo = createDemoStore(dir);
  const dump = path.join(dir, 'demo.json');
  snapscope('dump', demo.cow, '--out', dump);
  const pid = await foreignLock(demo.cow, { kind: 'OFD', type: 'read', start: 100, len: 2 });
  const files = untouched(demo.cow, demo.origin);
  const { c } = startApi(dir);

  const s = await c.open({ cow: demo.cow, origin: demo.origin, write: true });
  expect(s.write).toBe(false);
  expect(s.readOnlyReason).toBe(`opened read-only: ${demo.cow} is in use (locked by qemu-system-x86 (pid ${pid}, OFD lock))`);
  await expect(c.snapshotCreate({ session: s.session, name: 'late' })).rejects.toMatchObject({ code: 'read-only' });
  await c.close({ session: s.session }); // its reader's record would refuse the restore first

  const restore = await c.jobWait({ job: (await c.restore({ cow: demo.cow, dump })).id });
  expect(restore).toMatchObject({ state: 'failed', error: { code: 'in-use', message: `COW ${demo.cow} is locked by qemu-system-x86 (pid ${pid}, OFD lock): refusing to write it` } });
  files.unchanged();
  expect(fs.existsSync(`${demo.cow}.snapscope-backup`)).toBe(false);
}, 60_000);
