/**
 * Power loss at every write and flush of a shared merge (COW and origin on one power rail, the
 * volatile caches keeping all, none or a random part of what was not flushed): the store opens,
 * checks clean, and until the merge is finished every snapshot reads as before (the merging one
 * too); running the merge again gives exactly the origin an uninterrupted merge gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTask } from '../../../src-core/check/check.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import type { PowerLossPlan } from '../../../src-core/io/power-loss-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { createSharedMerge, type SharedMergeOptions } from '../../../src-core/shared/merge/index.ts';
import type { Op } from '../shared/model.ts';
import { expectMerged, newVolume, originBytes, replay, viewProblem, views, type Views } from '../shared-merge/volume.ts';
import { opArb } from '../shared/ops.ts';
import { crashingVolume, crashPoints, FATES, fates, RUNS } from './power-loss.ts';
import { lateFlush } from '../persistent/model.ts';

const CHUNK = 1024;
const ORIGIN = 64;
const SLOT = 0;
const OPTS = { batchBytes: 4 * CHUNK, maxIoBytes: 3 * CHUNK };
/** A flush still running at the first wait with a time limit (the merge's next steps wait again): the latest a background flush can finish. */
const overlapped = (origin: BlockDevice): SharedMergeOptions => ({ ...OPTS, startFlush: lateFlush(origin) });

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

function images(ops: Op[] = history): Images {
  const v = newVolume(CHUNK, 1024, ORIGIN);
  replay(v, ops);
  v.store.close();
  return { cow: v.cow.bytes.slice(), origin: v.origin.bytes.slice(), before: views(v.model) };
}

function mergeOn(img: Images, plan: PowerLossPlan | null, overlap: boolean) {
  return crashingVolume(img, plan, (cow, origin) => {
    const store = SharedStore.open(cow, { write: true });
    runToEnd(createSharedMerge(store, origin, SLOT, overlap ? overlapped(origin) : OPTS));
    store.close();
  });
}

/** Power loss at `points` events of the merge of `img`, with each fate; every survivor is checked and finished. */
function crashEverywhere(img: Images, overlap: boolean, points: number, fateList = FATES): void {
  const clean = mergeOn(img, null, overlap);
  const reference = originBytes(clean.origin);
  expectMerged(SharedStore.open(clean.cow), clean.cow, clean.origin, img.before, SLOT, ORIGIN);
  for (const at of crashPoints(clean.events, points)) {
    for (const { fate, seed } of fateList) {
      const where = `power lost at event ${at} of ${clean.events} (${fate}${overlap ? ', flush overlapped' : ''})`;
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
}

describe('shared merge under power loss', () => {
  for (const overlap of [false, true]) {
    it(`every write and flush, all / none / random sectors kept${overlap ? ', flush overlapped' : ''}`, () => {
      const img = images();
      expect(mergeOn(img, null, overlap).events).toBeGreaterThan(40);
      crashEverywhere(img, overlap, 45);
    });
  }

  it('random histories (snapshot 0 merged), power lost at spread events', () => {
    fc.assert(
      fc.property(fc.array(opArb(CHUNK, ORIGIN, 8), { minLength: 4, maxLength: 16 }), fc.boolean(), (ops, overlap) => {
        const img = images([{ kind: 'create' }, ...ops.filter((o) => !(o.kind === 'delete' || (o.kind === 'create' && o.slot === 0)))]);
        if (!img.before.has(SLOT)) return;
        crashEverywhere(img, overlap, 20, fates(1));
      }),
      { numRuns: RUNS },
    );
  });
});
