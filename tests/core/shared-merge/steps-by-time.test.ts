/**
 * A merge sized by time (the UI's) pauses and cancels only between its steps, so no step may run
 * much over the time asked. The copies for the other snapshots are one step per batch (one
 * transaction), and they cost far more per byte than the writes onto the origin: batches sized
 * by the two together made a copies step run for seconds on a loaded machine (issue 15's 0.5 s
 * Pause broken). Here the disk is simulated: its writes advance the merge's clock.
 */
import { describe, expect, it } from 'vitest';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { ForwardingDevice } from '../../../src-core/io/forwarding-device.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { createSharedMerge } from '../../../src-core/shared/merge/index.ts';

const CB = 64 << 10;
/** Origin chunks; 'target' holds a copy of each, 'other' shares those from ONLY on. */
const CHUNKS = 1024;
const ONLY = 512;
const BATCH_MS = 200;

/** Writes cost `bytesPerMs` of simulated time on `now`. */
class TimedDevice extends ForwardingDevice {
  constructor(
    inner: BlockDevice,
    private readonly now: { t: number },
    private readonly bytesPerMs: number,
  ) {
    super(inner);
  }
  override write(offset: number, src: Uint8Array): void {
    this.now.t += src.length / this.bytesPerMs;
    super.write(offset, src);
  }
}

/** Merging 'target' copies ONLY chunks for 'other' (32 MiB), then writes CHUNKS onto the origin. */
function makeStore(now: { t: number }): { store: SharedStore; origin: BlockDevice } {
  const cowMem = new MemoryDevice(CB * (2 * CHUNKS + 256), 'cow');
  const originMem = new MemoryDevice(CB * CHUNKS, 'origin');
  const setup = SharedStore.format(cowMem, { chunkBytes: CB });
  setup.createSnapshot({ name: 'target' });
  const data = new Uint8Array(CB).fill(7);
  for (let c = 0; c < ONLY; c++) setup.writeOrigin(originMem, c, data);
  setup.createSnapshot({ name: 'other' });
  for (let c = ONLY; c < CHUNKS; c++) setup.writeOrigin(originMem, c, data);
  setup.commit();
  setup.close();
  // Copies for the other snapshots (COW writes) at 32 MB/s, origin writes at 256 MB/s.
  const store = SharedStore.open(new TimedDevice(cowMem, now, 32_000), { write: true }) as SharedStore;
  return { store, origin: new TimedDevice(originMem, now, 256_000) };
}

describe('shared merge sized by time', () => {
  it('no step runs much over the time asked, the copies for the other snapshots included, from the first batch on', () => {
    const now = { t: 0 };
    const { store, origin } = makeStore(now);
    const task = createSharedMerge(store, origin, 0, { batchMs: BATCH_MS, clock: () => now.t });
    const steps: { ms: number; copies: number }[] = [];
    let copies = 0;
    for (let finished = false; !finished; ) {
      const t0 = now.t;
      finished = task.step();
      const made = task.progress().stages![0]!.done / CB;
      steps.push({ ms: now.t - t0, copies: made - copies });
      copies = made;
    }
    expect(copies).toBe(ONLY);
    // The first step, before the clock has timed anything, copies a few MiB only.
    expect(steps.find((s) => s.copies > 0)!.copies * CB).toBeLessThanOrEqual(4 << 20);
    const longest = Math.max(...steps.map((s) => s.ms));
    expect(longest).toBeLessThanOrEqual(1.5 * BATCH_MS);
    // Yet the copies are not made a few chunks at a time: the batches grow to the time asked.
    expect(Math.max(...steps.map((s) => s.ms))).toBeGreaterThan(0.5 * BATCH_MS);
    expect(store.mergeRecord()).toBeNull();
  });
});
