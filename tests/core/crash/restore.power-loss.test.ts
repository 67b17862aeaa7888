/**
 * Issue #12 point 5 (restore): restoring a dump onto a COW that holds a healthy shared store of
 * the same geometry builds the new tree beside the live one and switches with the header write,
 * like a commit. Power loss at every write and flush (all, none or random sectors kept): the
 * store opens, checks clean, and holds either its old content or the dump's. A persistent table
 * has fixed places, so its restore marks the header sector with its undo first (valid = 0 for the
 * kernel) and the next open for writing puts the old sectors back: old or new.
 */
import { describe, expect, it } from 'vitest';
import { checkTask } from '../../../src-core/check/check.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import type { PowerLossPlan } from '../../../src-core/io/power-loss-device.ts';
import { restore } from '../../../src-core/ir/restore.ts';
import { interruptedRewrite } from '../../../src-core/persistent/restore-intent.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { detectFormat } from '../../../src-core/open.ts';
import { PersistentStore } from '../../../src-core/persistent/index.ts';
import { SNAP_MAGIC, decodeHeader } from '../../../src-core/persistent/format.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { dumpMetadata } from '../shared/model.ts';
import { dumpText, parseDump } from '../ir/helpers.ts';
import { crashing, crashPoints, fates, persistentImage, rewriteCrashing, settle, tableText, UNDO } from './power-loss.ts';

const CHUNK = 1024;

/** A store with three snapshots and ~120 exceptions; `variant` changes what they hold. */
function store(cow: MemoryDevice, variant: number): void {
  const origin = new MemoryDevice(CHUNK * 64, 'origin');
  const s = SharedStore.format(cow, { chunkBytes: CHUNK });
  for (let k = 0; k < 3; k++) s.createSnapshot({ name: `v${variant}-${k}` });
  for (let c = 0; c < 60; c++) s.writeOrigin(origin, (c * 7 + variant) % 64, new Uint8Array(CHUNK).fill(c + 1));
  for (let c = 0; c < 30 + 10 * variant; c++) s.writeSnapshot(origin, c % 3, (c * 5) % 64, new Uint8Array(CHUNK).fill(c + 2));
  if (variant) s.deleteSnapshot(1);
  s.close();
}

describe('restore onto a healthy store under power loss', () => {
  it('leaves the old store or the restored one, at every write and flush', () => {
    const source = new MemoryDevice(CHUNK * 512, 'source');
    store(source, 0);
    const dump = parseDump(dumpText(source));
    const live = new MemoryDevice(CHUNK * 512, 'live');
    store(live, 1);
    const oldText = dumpMetadata(SharedStore.open(live));
    const newText = dumpMetadata(SharedStore.open(source));
    expect(oldText).not.toBe(newText);

    const run = (plan: PowerLossPlan | null) => {
      const cow = new MemoryDevice(live.bytes.slice(), 'cow');
      return { cow, ...crashing(cow, plan, (dev) => restore(dev, dump.header, dump.source)) };
    };
    const clean = run(null);
    expect(dumpMetadata(SharedStore.open(clean.cow))).toBe(newText);
    for (const at of crashPoints(clean.events, 200)) {
      for (const { fate, seed } of fates(4)) {
        const where = `power lost at event ${at} of ${clean.events} (${fate})`;
        const { cow } = run({ crashAt: at, fate, seed });
        expect(runToEnd(checkTask(cow)).findings.filter((f) => f.severity === 'error'), where).toEqual([]);
        const text = dumpMetadata(SharedStore.open(cow));
        expect([oldText, newText], where).toContain(text);
        const w = SharedStore.open(cow, { write: true });
        w.close();
      }
    }
  });
});

describe('restore of a persistent dump onto a persistent store under power loss', () => {
  const make = (variant: number) => persistentImage({ chunkBytes: 1024, cowChunks: 600, originChunks: 256, exceptions: 150 + 20 * variant, stride: 7 + 2 * variant });
  const table = tableText;
  const errors = (cow: MemoryDevice) => runToEnd(checkTask(cow)).findings.filter((f) => f.severity === 'error');
  const source = make(0);
  const dump = parseDump(dumpText(source));
  const live = make(1);
  const [oldTable, newTable] = [table(live), table(source)];

  const run = (plan: PowerLossPlan | null) => rewriteCrashing(live.bytes, plan, (dev) => restore(dev, dump.header, dump.source, { undo: UNDO }));

  it('leaves the old store (after the undo at the next open) or the restored one, at every write and flush', () => {
    const clean = run(null);
    expect(interruptedRewrite(clean.cow)).toBeNull();
    expect(table(clean.cow)).toBe(newTable);
    let undone = 0;
    for (const at of crashPoints(clean.events, 100)) {
      for (const { fate, seed } of fates(2)) {
        const where = `power lost at event ${at} of ${clean.events} (${fate})`;
        const { cow, saved } = run({ crashAt: at, fate, seed });
        // Before the undo the kernel sees an invalid snapshot (valid = 0), never a mixed table.
        if (interruptedRewrite(cow) !== null) {
          undone++;
          expect(decodeHeader(cow.bytes.subarray(0, 16)), where).toMatchObject({ magic: SNAP_MAGIC, valid: 0 });
        }
        settle(cow, saved);
        expect(interruptedRewrite(cow), where).toBeNull();
        expect(errors(cow), where).toEqual([]);
        expect([oldTable, newTable], where).toContain(table(cow));
      }
    }
    expect(undone, 'no crash point fell inside the rewrite').toBeGreaterThan(0);
  });

  it('the undo itself can be cut by power loss at every write and flush, and repeated', () => {
    const clean = run(null);
    const middle = run({ crashAt: Math.floor(clean.events / 2), fate: 'random', seed: 3 });
    expect(interruptedRewrite(middle.cow)).not.toBeNull();
    const undoEvents = settle(new MemoryDevice(middle.cow.bytes.slice(), 'cow'), middle.saved).events;
    for (const at of crashPoints(undoEvents, 60)) {
      for (const { fate, seed } of fates(2)) {
        const where = `undo cut at event ${at} of ${undoEvents} (${fate})`;
        const cow = new MemoryDevice(middle.cow.bytes.slice(), 'cow');
        settle(cow, middle.saved, { crashAt: at, fate, seed });
        // Cut before sector 0 went back: still marked, never a valid header over a torn table.
        if (interruptedRewrite(cow) === null) expect(table(cow), where).toBe(oldTable);
        settle(cow, middle.saved);
        expect(table(cow), where).toBe(oldTable);
        expect(errors(cow), where).toEqual([]);
      }
    }
  });
});

describe('restore of a shared dump onto a persistent store under power loss (nothing to build beside)', () => {
  it('leaves the persistent store (after the undo) or the shared one, at every write and flush', () => {
    const source = new MemoryDevice(CHUNK * 512, 'source');
    store(source, 0);
    const dump = parseDump(dumpText(source));
    const live = persistentImage({ chunkBytes: CHUNK, cowChunks: 512, originChunks: 256, exceptions: 150, stride: 7 });
    const oldTable = tableText(live);
    const newText = dumpMetadata(SharedStore.open(source));
    const run = (plan: PowerLossPlan | null) => rewriteCrashing(live.bytes, plan, (dev) => restore(dev, dump.header, dump.source, { undo: UNDO }));
    const clean = run(null);
    expect(dumpMetadata(SharedStore.open(clean.cow))).toBe(newText);
    let undone = 0;
    for (const at of crashPoints(clean.events, 100)) {
      for (const { fate, seed } of fates(2)) {
        const where = `power lost at event ${at} of ${clean.events} (${fate})`;
        const { cow, saved } = run({ crashAt: at, fate, seed });
        if (interruptedRewrite(cow) !== null) undone++;
        settle(cow, saved);
        expect(runToEnd(checkTask(cow)).findings.filter((f) => f.severity === 'error'), where).toEqual([]);
        if (detectFormat(cow) === 'persistent') expect(tableText(cow), where).toBe(oldTable);
        else expect(dumpMetadata(SharedStore.open(cow)), where).toBe(newText);
      }
    }
    expect(undone, 'no crash point fell inside the rewrite').toBeGreaterThan(0);
  });
});
