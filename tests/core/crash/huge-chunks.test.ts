/**
 * Issue #12 point 17 (buffers): a persistent header may claim chunks of up to 1 GiB, and a device
 * large enough to hold two of them is legal. Opening it (info), checking it and its stats must
 * still read metadata areas in bounded pieces (1 MiB) instead of allocating a chunk-sized buffer.
 * 64 MiB chunks here keep the test fast (checking walks every entry of the area); the code path
 * is the one 1 GiB takes.
 */
import { describe, expect, it } from 'vitest';
import { checkTask } from '../../../src-core/check/check.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { PersistentStore } from '../../../src-core/persistent/index.ts';
import { statsTask } from '../../../src-core/stats/stats.ts';

const MiB = 1 << 20;

/** A 256 MiB device of zeros but for a persistent header claiming 64 MiB chunks; remembers its largest read. */
class HugeSparseDevice implements BlockDevice {
  readonly name = 'huge';
  readonly size = 256 * MiB;
  readonly readOnly = true;
  largestRead = 0;
  private readonly head = new Uint8Array(16);
  constructor() {
    const v = new DataView(this.head.buffer);
    v.setUint32(0, 0x70416e53, true); // "SnAp"
    v.setUint32(4, 1, true);
    v.setUint32(8, 1, true);
    v.setUint32(12, 128 * 1024, true); // sectors: 64 MiB chunks
  }
  read(offset: number, dst: Uint8Array): void {
    this.largestRead = Math.max(this.largestRead, dst.length);
    dst.fill(0);
    if (offset < 16) dst.set(this.head.subarray(offset, Math.min(16, offset + dst.length)));
  }
  write(): void {
    throw new Error('read-only');
  }
  flush(): void {}
  close(): void {}
}

describe('a persistent header claiming huge chunks', () => {
  it('opens (info) reading areas in pieces of at most 1 MiB', () => {
    const dev = new HugeSparseDevice();
    const store = PersistentStore.open(dev);
    expect(store.exceptions).toBe(0);
    expect(store.info().chunkBytes).toBe(64 * MiB);
    expect(dev.largestRead).toBeLessThanOrEqual(MiB);
  });

  it('checks and gives stats reading at most 1 MiB at a time', () => {
    const dev = new HugeSparseDevice();
    expect(runToEnd(checkTask(dev)).errors).toBe(0);
    runToEnd(statsTask(dev));
    expect(dev.largestRead).toBeLessThanOrEqual(MiB);
  });
});
