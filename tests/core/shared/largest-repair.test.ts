/**
 * Repair and restore at the format's limit (2^32 - 1 chunks of 4 KiB, 16 TiB) of a store holding
 * little: the search for lost leaves, the rebuild's bitmaps and the live store's bitmap under it
 * must cost memory for what the store holds, not flat copies of its 512 MiB bitmap.
 */
import { describe, expect, it } from 'vitest';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { applyRepair, planRepair } from '../../../src-core/repair/repair.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { SharedWalk } from '../../../src-core/walk/shared.ts';
import { CHUNK, CHUNKS, ZeroSparseDevice, rssMiB } from './zero-sparse-device.ts';

describe('repair of a store of 2^32 - 1 chunks', () => {
  it('finds every leaf behind a broken root, rebuilds over the live store and checks clean, with memory far below a flat bitmap of the device', () => {
    const dev = new ZeroSparseDevice();
    const store = SharedStore.format(dev, { chunkBytes: CHUNK });
    store.createSnapshot({ name: 'big' });
    // Spread over the whole origin range and the device: leaves far apart in the bitmap.
    for (let i = 0; i < 3000; i++) store.prepareOriginWrite(i * 1_431_655 + (i & 7));
    store.commit();
    store.close();
    let root = -1;
    let leaves = 0;
    runToEnd(new SharedWalk(dev, { block: (chunk, kind, level) => (kind === 'leaf' ? leaves++ : level === 0 && root < 0 ? (root = chunk) : 0) }));
    expect(root).toBeGreaterThan(0);
    expect(leaves).toBeGreaterThan(10);
    // The root node's magic gone: every leaf is lost to the walk and only the search finds them.
    dev.write(root * CHUNK, new Uint8Array(8));
    global.gc?.();
    const base = rssMiB();
    let peak = base;
    const sample = () => (peak = Math.max(peak, rssMiB()));
    const plan = planRepair(dev);
    sample();
    expect(plan.kept.length).toBe(3000);
    expect(plan.lossCount).toBeGreaterThan(0);
    applyRepair(dev, plan);
    sample();
    const report = runToEnd(new SharedWalk(dev));
    expect(report.errors + report.warnings).toBe(0);
    expect(report.exceptions).toBe(3000);
    sample();
    // A flat bitmap of the device is 512 MiB; the store holds a few thousand chunks.
    expect(peak - base).toBeLessThan(128);
  }, 300_000);
});
