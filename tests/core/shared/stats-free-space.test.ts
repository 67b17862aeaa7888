/**
 * stats' free space (free chunks, free runs, the largest run) against a model that looks at every
 * bit of the on-disk bitmap one at a time: on the sample stores, on a mid-size store fragmented by
 * deletes, and at the format's limit (2^32 - 1 chunks), where stats must cost memory for what the
 * store holds, not a flat copy of its 512 MiB bitmap.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { FIRST_BITMAP_CHUNK, bitmapChunkCount, testBit } from '../../../src-core/shared/format/bitmap.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { statsTask } from '../../../src-core/stats/stats.ts';
import { xorshift } from './xorshift.ts';
import { CHUNK, CHUNKS, ZeroSparseDevice, rssMiB } from './zero-sparse-device.ts';

type FreeSpace = { free: number; freeRuns: number; largestFreeRun: number };

/** Free space a bit at a time; `bitmapChunk(i)` is bitmap chunk i's bytes, or null when all zeros. */
function modelFreeSpace(chunkBytes: number, chunkCount: number, bitmapChunk: (i: number) => Uint8Array | null): FreeSpace {
  let [free, freeRuns, largestFreeRun, run] = [0, 0, 0, 0];
  const perChunk = chunkBytes * 8;
  for (let i = 0; i < bitmapChunkCount(chunkCount, chunkBytes); i++) {
    const bits = bitmapChunk(i);
    const n = Math.min(perChunk, chunkCount - i * perChunk);
    if (!bits) {
      // All free: the run goes on through the whole chunk.
      free += n;
      if (run === 0) freeRuns++;
      run += n;
      largestFreeRun = Math.max(largestFreeRun, run);
      continue;
    }
    for (let k = 0; k < n; k++) {
      if (testBit(bits, k)) {
        run = 0;
        continue;
      }
      free++;
      if (run++ === 0) freeRuns++;
      largestFreeRun = Math.max(largestFreeRun, run);
    }
  }
  return { free, freeRuns, largestFreeRun };
}

function modelOf(dev: BlockDevice, chunkBytes: number, chunkCount: number): FreeSpace {
  return modelFreeSpace(chunkBytes, chunkCount, (i) => {
    const bits = new Uint8Array(chunkBytes);
    dev.read((FIRST_BITMAP_CHUNK + i) * chunkBytes, bits);
    return bits;
  });
}

const FIXTURES = join(import.meta.dirname, '../../../test-fixtures/seedref');

describe('stats: free space', () => {
  it.each(['one-level', 'two-levels', 'three-levels', 'after-delete'])('on the sample store %s matches a bit-by-bit model', (name) => {
    const dev = new MemoryDevice(gunzipSync(readFileSync(join(FIXTURES, `${name}.img.gz`))), name, true);
    const stats = runToEnd(statsTask(dev));
    expect(stats.bitmap).toEqual(modelOf(dev, stats.chunkBytes, stats.chunkCount));
  });

  it('on a mid-size store fragmented by deletes (9 bitmap chunks, runs across their edges) matches a bit-by-bit model', () => {
    const chunkBytes = 4096;
    const dev = new MemoryDevice(300_000 * chunkBytes);
    const store = SharedStore.format(dev, { chunkBytes });
    const rand = xorshift(0x5eed);
    for (let round = 0; round < 6; round++) {
      store.createSnapshot({ name: `s${round}` });
      for (let i = 0; i < 20_000; i++) store.prepareOriginWrite(rand() % 1_000_000);
      store.commit();
      if (round % 2 === 1) store.deleteSnapshot(store.snapshots()[0]!.slot);
      store.commit();
    }
    const freeChunks = store.usage().freeChunks;
    store.close();
    const stats = runToEnd(statsTask(dev));
    const model = modelOf(dev, chunkBytes, stats.chunkCount);
    expect(model.freeRuns).toBeGreaterThan(100);
    expect(stats.bitmap).toEqual(model);
    expect(stats.bitmap!.free).toBe(freeChunks);
    expect(stats.errors + stats.warnings).toBe(0);
  });

  it('at 2^32 - 1 chunks matches the model, with memory far below a flat copy of the bitmap', () => {
    const dev = new ZeroSparseDevice();
    const store = SharedStore.format(dev, { chunkBytes: CHUNK });
    const first = store.createSnapshot({ name: 'first' }).slot;
    for (let i = 0; i < 3000; i++) store.prepareOriginWrite(i * 1_431_655 + (i & 7));
    store.commit();
    store.createSnapshot({ name: 'second' });
    for (let i = 0; i < 3000; i += 3) store.prepareOriginWrite(i * 1_431_655 + 1_000_000);
    store.commit();
    store.deleteSnapshot(first);
    store.commit();
    const freeChunks = store.usage().freeChunks;
    store.close();
    global.gc?.();
    const base = rssMiB();
    const task = statsTask(dev);
    let peak = base;
    for (let n = 0; !task.step(); n++) if (n % 4096 === 0) peak = Math.max(peak, rssMiB());
    const stats = task.result();
    peak = Math.max(peak, rssMiB());
    expect(stats.chunkCount).toBe(CHUNKS);
    const model = modelFreeSpace(CHUNK, CHUNKS, (i) => dev.chunks.get(FIRST_BITMAP_CHUNK + i) ?? null);
    expect(model.freeRuns).toBeGreaterThan(20);
    expect(stats.bitmap).toEqual(model);
    expect(stats.bitmap!.free).toBe(freeChunks);
    // A flat copy of the bitmap is 512 MiB; the store holds a few thousand chunks.
    expect(peak - base).toBeLessThan(96);
  });
});
