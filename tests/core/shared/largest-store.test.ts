/**
 * A store at the format's limit (2^32 - 1 chunks of 4 KiB, 16 TiB) holding little: opening it,
 * writing and deleting a snapshot must cost memory for what it holds, not for the device (a flat
 * bitmap of it is 512 MiB; the allocator, the pending frees and open's bitmap load each were one).
 * The device keeps only chunks that are not all zeros, as a sparse file does.
 */
import { describe, expect, it } from 'vitest';
import { SnapscopeError } from '../../../src-core/errors.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { SharedWalk } from '../../../src-core/walk/shared.ts';

const CHUNK = 4096;
const CHUNKS = 2 ** 32 - 1;

class ZeroSparseDevice implements BlockDevice {
  readonly name = 'sparse16t';
  readonly readOnly = false;
  readonly size = CHUNKS * CHUNK;
  readonly chunks = new Map<number, Uint8Array>();
  read(offset: number, dst: Uint8Array): void {
    this.each(offset, dst.length, (c, within, done, n) => {
      const held = this.chunks.get(c);
      if (held) dst.set(held.subarray(within, within + n), done);
      else dst.fill(0, done, done + n);
    });
  }
  write(offset: number, src: Uint8Array): void {
    this.each(offset, src.length, (c, within, done, n) => {
      const part = src.subarray(done, done + n);
      let held = this.chunks.get(c);
      if (!held) {
        if (allZero(part)) return;
        held = new Uint8Array(CHUNK);
        this.chunks.set(c, held);
      }
      held.set(part, within);
      if (allZero(held)) this.chunks.delete(c);
    });
  }
  flush(): void {}
  close(): void {}
  private each(offset: number, length: number, visit: (chunk: number, within: number, done: number, n: number) => void): void {
    if (offset < 0 || offset + length > this.size) throw new SnapscopeError('io', `past the end of ${this.name}`);
    for (let done = 0; done < length; ) {
      const at = offset + done;
      const c = Math.floor(at / CHUNK);
      const within = at - c * CHUNK;
      const n = Math.min(CHUNK - within, length - done);
      visit(c, within, done, n);
      done += n;
    }
  }
}

/** Whether every byte is zero (format writes 512 MiB of zero bitmap). */
function allZero(bytes: Uint8Array): boolean {
  const aligned = bytes.byteOffset % 4 === 0 && bytes.length % 4 === 0;
  const words = aligned ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) : bytes;
  for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
  return true;
}

const rssMiB = () => process.memoryUsage().rss / 2 ** 20;

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
});
