/**
 * A store at the format's limit (2^32 - 1 chunks of 4 KiB, 16 TiB) holding little: opening it,
 * writing and deleting a snapshot must cost memory for what it holds, not for the device (a flat
 * bitmap of it is 512 MiB; the allocator, the pending frees and open's bitmap load each were one).
 */
import { describe, expect, it } from 'vitest';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import type { Progress } from '../../../src-core/jobs/progress.ts';
import { FIRST_BITMAP_CHUNK, bitmapChunkCount } from '../../../src-core/shared/format/bitmap.ts';
import { SharedWalk } from '../../../src-core/walk/shared.ts';
import { CHUNK, CHUNKS, ZeroSparseDevice, rssMiB } from './zero-sparse-device.ts';

describe('a store of 2^32 - 1 chunks', () => {
  it('opens, writes, deletes a snapshot of 3,000 exceptions and checks clean (a walk of the whole bitmap), with memory far below a flat bitmap of the device', () => {
    const dev = new ZeroSparseDevice();
    SharedStore.format(dev, { chunkBytes: CHUNK }).close();
    global.gc?.();
    const base = rssMiB();
    let peak = base;
    const sample = () => (peak = Math.max(peak, rssMiB()));
    const store = SharedStore.open(dev, { write: true });
    sample();
    expect(store.usage().totalChunks).toBe(CHUNKS);
    const slot = store.createSnapshot({ name: 'big' }).slot;
    // Spread over the whole device's origin range, committed one by one and in groups.
    for (let i = 0; i < 3000; i++) {
      store.prepareOriginWrite(i * 1_431_655 + (i & 7));
      if (i < 500 || i % 100 === 0) store.commit();
    }
    store.commit();
    sample();
    const occ = store.occupancy(0, CHUNKS, 64);
    expect(occ.counts.free!.reduce((a, b) => a + b, 0)).toBe(store.usage().freeChunks);
    store.deleteSnapshot(slot);
    store.commit();
    sample();
    store.close();
    const report = runToEnd(new SharedWalk(dev));
    expect(report.errors + report.warnings).toBe(0);
    sample();
    // A flat bitmap of the device is 512 MiB; the store holds a few thousand chunks.
    expect(peak - base).toBeLessThan(96);
  });

  it('a walk reads the bitmap (512 MiB) once, and a second time only where a chunk is used, looks at the referenced-chunk bitset only where it is used, and its progress ends at its totals', () => {
    const dev = new ZeroSparseDevice();
    const store = SharedStore.format(dev, { chunkBytes: CHUNK });
    store.createSnapshot({ name: 'big' });
    for (let i = 0; i < 3000; i++) store.prepareOriginWrite(i * 1_431_655);
    store.commit();
    store.close();
    const n = bitmapChunkCount(CHUNKS, CHUNK);
    const [from, to] = [FIRST_BITMAP_CHUNK * CHUNK, (FIRST_BITMAP_CHUNK + n) * CHUNK];
    let bitmapBytes = 0;
    const read = dev.read.bind(dev);
    dev.read = (offset, dst) => {
      bitmapBytes += Math.max(0, Math.min(to, offset + dst.length) - Math.max(from, offset));
      read(offset, dst);
    };
    const faults = process.resourceUsage().minorPageFault;
    const walk = new SharedWalk(dev);
    const seen: Progress[] = [];
    while (!walk.step()) seen.push(walk.progress());
    seen.push(walk.progress());
    // The referenced-chunk bitset spans the address space (512 MiB, resident only where used): a
    // look at all of it faults in its 131,072 untouched pages (0.4-0.7 s), though they hold nothing.
    const faulted = process.resourceUsage().minorPageFault - faults;
    console.log(`walk: ${faulted} minor page faults`);
    expect(faulted).toBeLessThan(40_000);
    expect(walk.result().errors + walk.result().warnings).toBe(0);
    // Bitmap chunks with a used chunk: the reserved ones (the header and 2^17 bitmap chunks) and a few thousand.
    let used = 0;
    for (let b = 0; b < n; b++) if (dev.chunks.has(FIRST_BITMAP_CHUNK + b)) used++;
    expect(used).toBeLessThan(3100);
    expect(bitmapBytes).toBe((n + used) * CHUNK);
    const last = (phase: string) => seen.filter((p) => p.phase === phase).at(-1)!;
    expect(last('check tree').done).toBe(last('check tree').total);
    expect(last('check bitmap').done).toBe(n);
    expect(last('check bitmap').total).toBe(n);
  });
});
