/**
 * The API's restore job in place on a persistent store (issue #12 point 5, through the host): a
 * crash at any write of the rewrite leaves the store marked with its undo file, and the next open
 * for writing puts the old bytes back — as the CLI's restore does.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { FaultDevice } from '../../src-core/io/fault-device.ts';
import { runToEnd } from '../../src-core/jobs/job.ts';
import { interruptedRewrite } from '../../src-core/persistent/restore-intent.ts';
import { openInput } from '../../src-main/host/access/inputs.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { restoreTask } from '../../src-main/host/restore-task.ts';
import { tablePersistent, tempDir } from './fixtures.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/snapscope.mjs');
const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

it('a crash at any write of an in-place restore through the API is undone at the next open for writing', () => {
  const dir = tempDir();
  const other = tablePersistent(tempDir(), 40);
  const dump = path.join(dir, 'other.json');
  execFileSync(process.execPath, [BIN, 'dump', other, '--out', dump]);
  const pristine = tablePersistent(dir, 300);
  const old = sha(pristine);

  let crashes = 0;
  for (let k = 1; ; k++) {
    const target = path.join(dir, `t${k}.cow`);
    fs.copyFileSync(pristine, target);
    const file = FileDevice.open(target, { write: true });
    const cow = new FaultDevice(file, { crashAtWrite: k });
    const spec = { dump, target, session: { cow, holds: 'a persistent store' }, backup: `${target}.undo`, helper: null };
    let finished = false;
    try {
      runToEnd(restoreTask(spec));
      finished = true;
    } catch (e) {
      expect((e as Error).message).toMatch(/simulated power loss/);
    } finally {
      file.close();
    }
    if (finished) break;
    crashes++;
    const probe = FileDevice.open(target);
    const marked = interruptedRewrite(probe) !== null;
    probe.close();
    // Writes to the undo file come first; from the first write to the COW on, the mark is there.
    if (marked) {
      openInput(target, 'COW', true).dev.close(); // the next open for writing undoes it
      expect(sha(target), `crash at write ${k}`).toBe(old);
    } else {
      expect(sha(target), `crash at write ${k}, before the mark`).toBe(old);
    }
  }
  expect(crashes).toBeGreaterThan(2);
});
