/**
 * Issue #12 point 4: a persistent merge clears the merged entries (a suffix of the table) on
 * disk. Written as whole areas, a power loss tore them at sector granularity and left the table
 * ending early with stale entries behind the end (check: p-entry-after-end; the kernel would bring
 * them back with its next exception). Power loss at every write and flush, the volatile caches
 * keeping all, none or a random part: the store checks clean (no entry behind the end in its last
 * area; merged entries left in a later area, which the kernel never reads, are no finding either),
 * the snapshot reads as before, and running the merge again gives the snapshot's image on the origin.
 */
import { describe, expect, it } from 'vitest';
import { checkTask } from '../../../src-core/check/check.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import type { PowerLossPlan } from '../../../src-core/io/power-loss-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { PersistentStore } from '../../../src-core/persistent/index.ts';
import { FLUSH_MODES, numberedOrigin, same, snapshotImage, startFlushFor, type FlushMode } from '../persistent/model.ts';
import { crashingVolume, crashPoints, fates } from './power-loss.ts';

const CHUNK = 1024; // 64 entries per area, two sectors of 32
const ORIGIN = 160;

/** A snapshot with ~150 exceptions over three areas, in an order that breaks them into runs. */
function images() {
  const cow = new MemoryDevice(CHUNK * 400, 'cow');
  const origin = new MemoryDevice(numberedOrigin(CHUNK * ORIGIN, CHUNK), 'origin');
  PersistentStore.format(cow, { chunkBytes: CHUNK });
  const reopened = PersistentStore.open(cow, { write: true });
  for (let k = 0; k < 150; k++) {
    const c = (k * 37) % ORIGIN;
    reopened.writeOrigin(origin, c, new Uint8Array(CHUNK).fill((k % 250) + 1));
  }
  reopened.close();
  const snapshot = snapshotImage(PersistentStore.open(cow), origin);
  return { cow: cow.bytes.slice(), origin: origin.bytes.slice(), snapshot };
}

function mergeOn(img: ReturnType<typeof images>, plan: PowerLossPlan | null, flush: FlushMode) {
  return crashingVolume(img, plan, (cow, origin) => {
    const store = PersistentStore.open(cow, { write: true });
    runToEnd(store.merge(origin, 0, { batchBytes: 40 * CHUNK, maxIoBytes: 4 * CHUNK, ...startFlushFor(flush, origin) }));
    store.close();
  });
}

/** Whether the area after the one that ends the table holds entries (merged ones a crash left). */
function laterAreaHoldsEntries(cow: MemoryDevice): boolean {
  const store = PersistentStore.open(cow);
  const g = store.geometry;
  const next = g.areaLocation(Math.floor(store.exceptions / g.exceptionsPerArea) + 1) * g.chunkBytes;
  return cow.bytes.subarray(next, next + g.chunkBytes).some((b) => b !== 0);
}

describe('persistent merge under power loss (point 4)', () => {
  // With a background flush, a batch's entries are cleared after the next batch's writes are made.
  it.each(FLUSH_MODES)('every write and flush, all / none / random sectors kept (origin flushed %s)', (flush) => {
    const img = images();
    const clean = mergeOn(img, null, flush);
    expect(same(clean.origin.bytes, img.snapshot)).toBe(true);
    expect(PersistentStore.open(clean.cow).exceptions).toBe(0);
    let leftBehind = 0;
    for (const at of crashPoints(clean.events, 150)) {
      for (const { fate, seed } of fates(6)) {
        const where = `power lost at event ${at} of ${clean.events} (${fate})`;
        const run = mergeOn(img, { crashAt: at, fate, seed }, flush);
        expect(run.crashed, where).toBe(true);
        // Merged entries may stay in areas after the one the table ends in: the kernel reads no
        // area after one that is not full and zeroes an area before using it, and check agrees.
        expect(runToEnd(checkTask(run.cow)).findings, where).toEqual([]);
        if (laterAreaHoldsEntries(run.cow)) leftBehind++;
        const store = PersistentStore.open(run.cow, { write: true });
        expect(same(snapshotImage(store, run.origin), img.snapshot), `${where}: the snapshot reads other data`).toBe(true);
        runToEnd(store.merge(run.origin, 0));
        expect(same(run.origin.bytes, img.snapshot), `${where}: the origin is not the snapshot's image`).toBe(true);
      }
    }
    expect(leftBehind, 'no crash left merged entries in a later area').toBeGreaterThan(0);
  });
});
