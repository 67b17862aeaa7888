/**
 * Power loss at every write of a merge, on the COW and on the origin, torn and not: the store
 * reopens sound, mid-merge it still shows the snapshot's full view and the others unchanged, and
 * running the merge again gives the state an uninterrupted merge gives.
 */
import { describe, expect, it } from 'vitest';
import { isSnapscopeError } from '../../../src-core/errors.ts';
import type { EventSink, StructuralEvent } from '../../../src-core/events.ts';
import { FaultDevice, type FaultPlan } from '../../../src-core/io/fault-device.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { createSharedMerge, type SharedMergeOptions } from '../../../src-core/shared/merge/index.ts';
import type { Op } from '../shared/model.ts';
import { expectMerged, newVolume, originBytes, replay, viewProblem, views, type Views } from './volume.ts';
import { lateFlush } from '../persistent/model.ts';

const CHUNK = 1024; // two sectors: a torn chunk write keeps one
const ORIGIN = 64;
const OPTS = { batchBytes: 4 * CHUNK, maxIoBytes: 3 * CHUNK };
/** A flush started at the end of a batch and waited for after the next batch's copies (as a background flush would be). */
/** A flush still running at the first wait with a time limit (the merge's next steps wait again): the latest a background flush can finish. */
const overlapped = (origin: BlockDevice): SharedMergeOptions => ({ ...OPTS, startFlush: lateFlush(origin) });
const SLOT = 0;

/** Snapshot 0 holds private, shared and in-place-written copies; 1..3 read the origin at some of its chunks. */
const history: Op[] = [
  { kind: 'create' },
  { kind: 'origin', chunk: 0, count: 40, byte: 1 },
  { kind: 'create' },
  { kind: 'snap', pick: 0, chunk: 50, byte: 9, offset: 0, length: CHUNK },
  { kind: 'origin', chunk: 20, count: 30, byte: 2 },
  { kind: 'create' },
  { kind: 'snap', pick: 1, chunk: 45, byte: 7, offset: 100, length: 600 },
  { kind: 'snap', pick: 0, chunk: 5, byte: 8, offset: 512, length: 512 },
  { kind: 'origin', chunk: 30, count: 7, byte: 3 },
  { kind: 'create' },
  { kind: 'origin', chunk: 60, count: 3, byte: 4 },
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

/** Runs the merge on fresh copies of the images through FaultDevices with the given plans. */
function mergeOn(img: Images, cowPlan: FaultPlan | null, originPlan: FaultPlan | null, overlap: boolean, events?: EventSink) {
  const cow = new MemoryDevice(img.cow.slice(), 'cow');
  const origin = new MemoryDevice(img.origin.slice(), 'origin');
  const fcow = new FaultDevice(cow, cowPlan);
  const forigin = new FaultDevice(origin, originPlan);
  let crashed = false;
  try {
    const store = SharedStore.open(fcow, { write: true, ...(events ? { events } : {}) });
    if (store.snapshots().some((s) => s.slot === SLOT)) runToEnd(createSharedMerge(store, forigin, SLOT, overlap ? overlapped(forigin) : OPTS));
    store.close();
  } catch (e) {
    if (!isSnapscopeError(e) || e.code !== 'crashed') throw e;
    crashed = true;
  }
  return { cow, origin, crashed, cowWrites: fcow.writes, originWrites: forigin.writes };
}

/** After a crash: sound; before the merge finished, every snapshot still reads what it did. */
function expectSurvivor(img: Images, cow: MemoryDevice, origin: MemoryDevice, where: string): SharedStore {
  const store = SharedStore.open(cow, { write: true });
  expect(store.verify().problems, where).toEqual([]);
  if (store.snapshots().some((s) => s.slot === SLOT)) {
    for (const [slot, view] of img.before) expect(viewProblem(store, origin, slot, view, ORIGIN), `${where}: snapshot ${slot}`).toBeNull();
  }
  return store;
}

function crashAndRerun(img: Images, reference: Uint8Array, on: 'cow' | 'origin', plan: FaultPlan, overlap: boolean): void {
  const where = `crash on the ${on} at write ${plan.crashAtWrite} (torn ${plan.tornSectors ?? 'half'}${overlap ? ', flush overlapped' : ''})`;
  const run = mergeOn(img, on === 'cow' ? plan : null, on === 'origin' ? plan : null, overlap);
  expect(run.crashed, where).toBe(true);
  const store = expectSurvivor(img, run.cow, run.origin, where);
  if (store.snapshots().some((s) => s.slot === SLOT)) runToEnd(createSharedMerge(store, run.origin, SLOT, OPTS));
  expectMerged(store, run.cow, run.origin, img.before, SLOT, ORIGIN, true);
  expect(Buffer.compare(originBytes(run.origin), reference), `${where}: origin differs from an uninterrupted merge`).toBe(0);
  store.close();
}

describe('shared merge crash safety', () => {
  const img = images();
  const seen = new Set<StructuralEvent['type']>();
  const clean = mergeOn(img, null, null, false, (e) => seen.add(e.type));
  const cleanOverlapped = mergeOn(img, null, null, true);
  const reference = originBytes(clean.origin);

  it('the uninterrupted merge is the reference, and the workload is long enough to matter', () => {
    const store = SharedStore.open(clean.cow);
    expectMerged(store, clean.cow, clean.origin, img.before, SLOT, ORIGIN);
    expect(Buffer.compare(originBytes(cleanOverlapped.origin), reference)).toBe(0);
    expect(clean.cowWrites).toBeGreaterThan(100);
    expect(clean.originWrites).toBeGreaterThan(10);
    for (const kind of ['merge-origin-copy', 'merge-copy-to-origin', 'merge-clear', 'exception-free', 'exception-unshare'] as const) expect(seen, kind).toContain(kind);
  });

  for (const overlap of [false, true]) {
    for (const on of ['cow', 'origin'] as const) {
      for (const tornSectors of [undefined, 0]) {
        it(`power loss at every write to the ${on}, ${tornSectors === 0 ? 'nothing of it written' : 'torn halfway'}${overlap ? ', flush overlapped' : ''}`, () => {
          const ref = overlap ? cleanOverlapped : clean;
          const writes = on === 'cow' ? ref.cowWrites : ref.originWrites;
          for (let k = 1; k <= writes; k++) crashAndRerun(img, reference, on, tornSectors === undefined ? { crashAtWrite: k } : { crashAtWrite: k, tornSectors }, overlap);
        });
      }
    }
  }

  it('power loss again while finishing a crashed merge', () => {
    for (let k = 5; k <= clean.cowWrites; k += 11) {
      const first = mergeOn(img, { crashAtWrite: k }, null, true);
      const second = mergeOn({ ...img, cow: first.cow.bytes, origin: first.origin.bytes }, null, { crashAtWrite: 2 }, false);
      const where = `crash at cow write ${k}, then at origin write 2`;
      const store = expectSurvivor(img, second.cow, second.origin, where);
      if (store.snapshots().some((s) => s.slot === SLOT)) runToEnd(createSharedMerge(store, second.origin, SLOT, OPTS));
      expectMerged(store, second.cow, second.origin, img.before, SLOT, ORIGIN, true);
      expect(Buffer.compare(originBytes(second.origin), reference), where).toBe(0);
    }
  });
});
