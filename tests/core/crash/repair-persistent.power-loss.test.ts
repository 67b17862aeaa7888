/**
 * Issue #12 point 5 (repair --in-place, persistent): repair keeps the longest valid prefix of the
 * table and rewrites the areas in place, marking the header sector with its undo first. Power lost
 * at every write and flush, then the next open for writing: the store is the damaged one as it was
 * (the same findings) or the repaired one (clean), never more errors than before.
 */
import { describe, expect, it } from 'vitest';
import { checkTask } from '../../../src-core/check/check.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { ENTRY_BYTES, Geometry, view, writeLe64 } from '../../../src-core/persistent/format.ts';
import { interruptedRewrite } from '../../../src-core/persistent/restore-intent.ts';
import { applyRepair, planRepair } from '../../../src-core/repair/repair.ts';
import { crashPoints, fates, persistentImage, rewriteCrashing, settle, UNDO } from './power-loss.ts';

const P = 1024;
const kinds = (bytes: Uint8Array) => runToEnd(checkTask(new MemoryDevice(bytes, 'cow', true))).findings.map((f) => `${f.severity} ${f.kind}`).sort();

describe('persistent repair in place under power loss', () => {
  it('leaves the damaged store as it was or the repaired one, at every write and flush', () => {
    const cow = persistentImage({ chunkBytes: P, cowChunks: 600, originChunks: 256, exceptions: 170, stride: 7 });
    // Entry 100 (area 1) points at the header chunk: the kernel's table is fine, check's is not.
    const g = new Geometry(P / 512);
    const at = g.areaLocation(1) * P + (100 - g.exceptionsPerArea) * ENTRY_BYTES;
    const damaged = cow.bytes.slice();
    writeLe64(view(damaged), at + 8, 0x10);
    const before = kinds(damaged);
    expect(before.some((k) => k.startsWith('error'))).toBe(true);
    const plan = planRepair(new MemoryDevice(damaged.slice(), 'damaged', true));
    const run = (p: Parameters<typeof rewriteCrashing>[1]) => rewriteCrashing(damaged, p, (dev) => applyRepair(dev, plan, { undo: UNDO }));

    const clean = run(null);
    expect(kinds(clean.cow.bytes).filter((k) => k.startsWith('error'))).toEqual([]);
    let asBefore = 0;
    let repaired = 0;
    for (const crashAt of crashPoints(clean.events, 100)) {
      for (const { fate, seed } of fates(2)) {
        const where = `power lost at event ${crashAt} of ${clean.events} (${fate})`;
        const { cow: after, saved } = run({ crashAt, fate, seed });
        settle(after, saved);
        expect(interruptedRewrite(after), where).toBeNull();
        const found = kinds(after.bytes);
        if (found.some((k) => k.startsWith('error'))) {
          expect(found, where).toEqual(before);
          expect(Buffer.compare(after.bytes, damaged), `${where}: the bytes differ from the damaged store's`).toBe(0);
          asBefore++;
        } else repaired++;
      }
    }
    expect(asBefore).toBeGreaterThan(0);
    expect(repaired).toBeGreaterThan(0);
  });
});
