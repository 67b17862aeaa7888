/**
 * Power loss at every write and flush of a shared merge (COW and origin on one power rail, the
 * volatile caches keeping all, none or a random part of what was not flushed): the store opens,
 * checks clean, and until the merge is finished every snapshot reads as before (the merging one
 * too); running the merge again gives exactly the origin an uninterrupted merge gives.
 */
import { describe, expect, it } from 'vitest';
import { checkTask } from '../../../src-core/check/check.ts';
import { isSnapscopeError } from '../../../src-core/errors.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { PowerLossDevice, PowerRail, type PowerLossPlan } from '../../../src-core/io/power-loss-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { createSharedMerge, type SharedMergeOptions } from '../../../src-core/shared/merge/index.ts';
import type { Op } from '../shared/model.ts';
import { expectMerged, newVolume, originBytes, replay, viewProblem, views, type Views } from '../shared-merge/volume.ts';
import { crashPoints, FATES } from './power-loss.ts';

const CHUNK = 1024;
const ORIGIN = 64;
const SLOT = 0;
const OPTS = { batchBytes: 4 * CHUNK, maxIoBytes: 3 * CHUNK };
const overlapped = (origin: BlockDevice): SharedMergeOptions => ({ ...OPTS, startFlush: () => () => origin.flush() });

const history: Op[] = [
  { kind: 'create' },
  { kind: 'origin', chunk: 0, count: 30, byte: 1 },
  { kind: 'create' },
  { kind: 'snap', pick: 0, chunk: 50, byte: 9, offset: 0, length: CHUNK },
  { kind: 'origin', chunk: 20, count: 20, byte: 2 },
  { kind: 'create' },
  { kind: 'snap', pick: 1, chunk: 45, byte: 7, offset: 100, length: 600 },
  { kind: 'snap', pick: 0, chunk: 5, byte: 8, offset: 512, length: 512 },
  { kind: 'origin', chunk: 30, count: 7, byte: 3 },
];

interface Images {
  cow: Uint8Array;
  origin: Uint8Array;
  before: Views;
}

function images(): Images {
  const v = newVolume(CHUNK, 1024, ORIGIN);
  replay(v, history);
  v.store.close();
  return { cow: v.cow.bytes.slice(), origin: v.origin.bytes.slice(), before: views(v.model) };
}

function mergeOn(img: Images, plan: PowerLossPlan | null, overlap: boolean) {
  const cow = new MemoryDevice(img.cow.slice(), 'cow');
  const origin = new MemoryDevice(img.origin.slice(), 'origin');
  const rail = new PowerRail(plan);
  const pcow = new PowerLossDevice(cow, rail);
  const porigin = new PowerLossDevice(origin, rail);
  let crashed = false;
  try {
    const store = SharedStore.open(pcow, { write: true });
    runToEnd(createSharedMerge(store, porigin, SLOT, overlap ? overlapped(porigin) : OPTS));
    store.close();
  } catch (e) {
    if (!isSnapscopeError(e) || e.code !== 'crashed') throw e;
    crashed = true;
  }
  return { cow, origin, crashed, events: rail.events };
}

describe('shared merge under power loss', () => {
  const img = images();
  for (const overlap of [false, true]) {
    it(`every write and flush, all / none / random sectors kept${overlap ? ', flush overlapped' : ''}`, () => {
      const clean = mergeOn(img, null, overlap);
      const reference = originBytes(clean.origin);
      expectMerged(SharedStore.open(clean.cow), clean.cow, clean.origin, img.before, SLOT, ORIGIN);
      expect(clean.events).toBeGreaterThan(40);
      for (const at of crashPoints(clean.events, 90)) {
        for (const { fate, seed } of FATES) {
          const where = `power lost at event ${at} of ${clean.events} (${fate})`;
          const run = mergeOn(img, { crashAt: at, fate, seed }, overlap);
          expect(run.crashed, where).toBe(true);
          expect(runToEnd(checkTask(run.cow)).errors, where).toBe(0);
          const store = SharedStore.open(run.cow, { write: true });
          expect(store.verify().problems, where).toEqual([]);
          if (store.snapshots().some((s) => s.slot === SLOT)) {
            for (const [slot, view] of img.before) expect(viewProblem(store, run.origin, slot, view, ORIGIN), `${where}: snapshot ${slot}`).toBeNull();
            runToEnd(createSharedMerge(store, run.origin, SLOT, OPTS));
          }
          expectMerged(store, run.cow, run.origin, img.before, SLOT, ORIGIN, true);
          expect(Buffer.compare(originBytes(run.origin), reference), `${where}: origin differs from an uninterrupted merge`).toBe(0);
          store.close();
        }
      }
    });
  }
});
