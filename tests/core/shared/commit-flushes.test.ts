/**
 * An origin write through the API (writeOrigin, then commit) flushes the COW twice — exception
 * data with blocks and bitmap, then the header — and the origin once. The second commit has only
 * the first one's frees to write: it writes those bitmap sectors, no header and no flush (it once
 * made a whole commit, two more flushes). Losing that write in a power cut loses nothing.
 */
import { describe, expect, it } from 'vitest';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { checkTask } from '../../../src-core/check/check.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { readViewChunk } from '../../../src-core/view.ts';

const CHUNK = 4096;

/** Counts flushes and keeps the bytes as of the last flush: what a power cut would leave. */
class Durable extends MemoryDevice {
  flushes = 0;
  writes: number[] = [];
  durable: Uint8Array;
  constructor(size: number, name: string) {
    super(size, name);
    this.durable = new Uint8Array(size);
  }
  override write(offset: number, src: Uint8Array): void {
    super.write(offset, src);
    this.writes.push(offset);
  }
  override flush(): void {
    this.flushes++;
    this.durable.set(this.bytes);
  }
}

describe('commit flushes of an API origin write', () => {
  it('two COW flushes and one origin flush; the second commit writes only bitmap sectors', () => {
    const cow = new Durable(CHUNK * 512, 'cow');
    const origin = new Durable(CHUNK * 64, 'origin');
    const store = SharedStore.format(cow, { chunkBytes: CHUNK });
    store.createSnapshot({ name: 'a' });
    store.commit();
    for (let c = 0; c < 3; c++) {
      cow.flushes = 0;
      origin.flushes = 0;
      cow.writes = [];
      store.writeOrigin(origin, c, new Uint8Array(CHUNK).fill(7));
      const header = cow.writes.lastIndexOf(0);
      store.commit();
      expect([cow.flushes, origin.flushes]).toEqual([2, 1]);
      // After the header: bitmap sectors only (chunk 1 here), never the header again.
      expect(cow.writes.slice(header + 1).every((o) => o >= CHUNK && o < 2 * CHUNK)).toBe(true);
      expect(cow.writes.slice(header + 1).length).toBeGreaterThan(0);
    }
    store.close();
  });

  it('a power cut after it leaves a store that opens with the data and at worst leaked chunks', () => {
    const cow = new Durable(CHUNK * 512, 'cow');
    const origin = new Durable(CHUNK * 64, 'origin');
    const store = SharedStore.format(cow, { chunkBytes: CHUNK });
    const slot = store.createSnapshot({ name: 'a' }).slot;
    store.commit();
    for (let c = 0; c < 4; c++) {
      store.writeOrigin(origin, c, new Uint8Array(CHUNK).fill(c + 1));
      store.commit();
    }
    // The power cut: what was flushed survives, the last bitmap write does not.
    const cut = new MemoryDevice(cow.durable.slice(), 'cow');
    const report = runToEnd(checkTask(cut));
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(report.byKind['s-bitmap-leak']).toBeGreaterThan(0);
    const opened = SharedStore.open(cut);
    const zero = new Uint8Array(CHUNK);
    const got = new Uint8Array(CHUNK);
    for (let c = 0; c < 4; c++) {
      readViewChunk(opened, new MemoryDevice(origin.durable, 'origin'), slot, c, got);
      expect(got).toEqual(zero);
    }
    opened.close();
    store.close();
    // A clean close leaks nothing: the bitmap sectors are flushed.
    const closed = runToEnd(checkTask(new MemoryDevice(cow.durable.slice(), 'cow')));
    expect(closed.findings).toEqual([]);
  });
});
