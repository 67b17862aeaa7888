/**
 * Opt-in (SNAPSCOPE_ORACLE=1, kernel-oracle built; one qemu boot, ~15 s): the states a power loss
 * leaves while snapscope's persistent merge clears entries sector by sector are ones the real
 * kernel accepts — it loads them with the snapshot intact and finishes the merge to the snapshot's
 * image (docs/format-persistent.md § Merge, issue #12 point 4).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTask } from '../../../src-core/check/check.ts';
import { isSnapscopeError } from '../../../src-core/errors.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { PowerLossDevice, PowerRail } from '../../../src-core/io/power-loss-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { PersistentStore } from '../../../src-core/persistent/index.ts';
import { numberedOrigin, snapshotImage } from '../persistent/model.ts';
import { kernelRun, oracleSkipped, sha } from './kernel-oracle.ts';

const CHUNK = 4096; // 256 entries per area, 8 sectors of 32
if (oracleSkipped) console.info(`kernel-oracle merge test skipped: ${oracleSkipped}`);

describe.skipIf(oracleSkipped !== null)('the real kernel on a persistent merge torn by a power loss', () => {
  it('loads the torn state and finishes the merge to the snapshot', async () => {
    const origin = new MemoryDevice(numberedOrigin(4 << 20, CHUNK), 'origin');
    const cow = new MemoryDevice(4 << 20, 'cow');
    PersistentStore.format(cow, { chunkBytes: CHUNK });
    const store = PersistentStore.open(cow, { write: true });
    for (let k = 0; k < 600; k++) store.writeOrigin(origin, (k * 37) % 1024, new Uint8Array(CHUNK).fill((k % 250) + 1));
    store.close();
    const snapshot = snapshotImage(PersistentStore.open(cow), origin);
    // The first batch clears entries 500..599: area 1's last sector (entries 480..511, keeping
    // 480..499), flushed, then area 2 (512..599) zeroed, flushed. Cut the power at that second
    // flush, dropping area 2's write: the table ends at 500 in area 1, area 2 still holds merged
    // entries behind it — the state the sector order allows in a later area.
    const merge = (rail: PowerRail, cowFlushes: number[]) => {
      const torn = { origin: new MemoryDevice(origin.bytes.slice(), 'origin'), cow: new MemoryDevice(cow.bytes.slice(), 'cow') };
      const dev = new PowerLossDevice(torn.cow, rail);
      const flush = dev.flush.bind(dev);
      dev.flush = () => {
        cowFlushes.push(rail.events + 1);
        flush();
      };
      try {
        runToEnd(PersistentStore.open(dev, { write: true }).merge(new PowerLossDevice(torn.origin, rail), 0, { batchBytes: 100 * CHUNK }));
      } catch (e) {
        if (!isSnapscopeError(e) || e.code !== 'crashed') throw e;
      }
      return torn;
    };
    const flushes: number[] = [];
    merge(new PowerRail(), flushes);
    const torn = merge(new PowerRail({ crashAt: flushes[1]!, fate: 'none' }), []);
    const left = PersistentStore.open(torn.cow);
    expect(left.exceptions).toBe(500);
    // Check agrees with the kernel: the entries left in area 2 are no finding.
    expect(runToEnd(checkTask(torn.cow)).findings).toEqual([]);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-oracle-torn-'));
    const r = await kernelRun('merge', tmp, torn.origin.bytes, torn.cow.bytes, CHUNK / 512);
    expect(String(r.status_line)).toBe(`0 8192 snapshot ${left.statusText()}`);
    expect(r.snapshot_view_sha256).toBe(sha(snapshot));
    expect(r.merge!.result).toBe('complete');
    expect(r.origin_after_sha256).toBe(sha(snapshot));
    console.info(`kernel-oracle results in ${tmp}`);
  }, 900_000);
});
