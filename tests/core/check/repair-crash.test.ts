/**
 * repair in place is crash-safe: the rebuilt tree goes beside the chunks the damaged store uses and
 * the header write switches to it. Power lost at every write of the repair (torn halfway, or none
 * of it written) leaves either the store as it was — the same findings, every snapshot reading the
 * same — or the repaired store: never more errors than before.
 */
import { describe, expect, it } from 'vitest';
import { checkTask } from '../../../src-core/check/check.ts';
import { isSnapscopeError } from '../../../src-core/errors.ts';
import { FaultDevice } from '../../../src-core/io/fault-device.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { applyRepair, planRepair } from '../../../src-core/repair/repair.ts';
import { S_CHUNK as CB, sharedCow } from './shared-fixtures.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';

function errors(bytes: Uint8Array): number {
  return runToEnd(checkTask(new MemoryDevice(bytes, 'cow', true))).errors;
}

describe('repair in place', () => {
  it('power lost at any write leaves the store as it was or repaired', () => {
    const { cow } = sharedCow(3, 300, 4096);
    const damaged = cow.bytes.slice();
    // A leaf's exception shares a snapshot outside the snapmask: one error, nothing lost.
    const store = SharedStore.open(new MemoryDevice(cow.bytes, 'cow', true));
    const leaf = store.pathTo(200).at(-1)!;
    store.close();
    const dv = new DataView(damaged.buffer);
    const first = leaf * CB + dv.getUint32(leaf * CB + 24, true);
    dv.setUint32(first + 4, dv.getUint32(first + 4, true) | 0x100, true);
    const before = errors(damaged);
    expect(before).toBeGreaterThan(0);
    const plan = planRepair(new MemoryDevice(damaged, 'damaged', true));

    const clean = new FaultDevice(new MemoryDevice(damaged.slice(), 'cow'));
    applyRepair(clean, plan);
    const writes = clean.writes;
    expect(errors((clean.inner as MemoryDevice).bytes)).toBe(0);

    let asBefore = 0;
    let repaired = 0;
    for (let k = 1; k <= writes; k++) {
      for (const tornSectors of [0, undefined]) {
        const inner = new MemoryDevice(damaged.slice(), 'cow');
        try {
          applyRepair(new FaultDevice(inner, { crashAtWrite: k, ...(tornSectors === undefined ? {} : { tornSectors }) }), plan);
        } catch (e) {
          if (!isSnapscopeError(e) || e.code !== 'crashed') throw e;
        }
        const after = errors(inner.bytes);
        expect(after, `crash at write ${k} of ${writes}`).toBeLessThanOrEqual(before);
        if (after === 0) repaired++;
        else asBefore++;
      }
    }
    expect(asBefore).toBeGreaterThan(0);
    expect(repaired).toBeGreaterThan(0);
  });
});
