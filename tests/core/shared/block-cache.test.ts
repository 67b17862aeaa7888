import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import type { StoreState } from '../../../src-core/shared/store/state.ts';
import { BlockCache, makeBlock } from '../../../src-core/shared/txn/block-cache.ts';

const CHUNK = 512;

/** xorshift32: the same sequence every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}
/** Buffers per slab in block-buffers.ts: carving rounds up to it. */
const SLAB = 64;

/** A device that counts reads per chunk. */
class CountingDevice extends MemoryDevice {
  readonly reads = new Map<number, number>();
  override read(offset: number, dst: Uint8Array): void {
    const c = offset / CHUNK;
    this.reads.set(c, (this.reads.get(c) ?? 0) + 1);
    super.read(offset, dst);
  }
}

/** A device that takes vectored writes (as FileDevice's pwritev), recording each request's offset and part count. */
class VectoredDevice extends MemoryDevice {
  readonly requests: [number, number][] = [];
  failNext = false;
  writev(offset: number, parts: readonly Uint8Array[]): void {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('EIO');
    }
    this.requests.push([offset / CHUNK, parts.length]);
    let at = offset;
    for (const p of parts) {
      this.write(at, p);
      at += p.length;
    }
  }
}

/** What Transaction.load does: the cached block, or one read into a cache buffer. */
function load(cache: BlockCache, dev: MemoryDevice, chunk: number) {
  const hit = cache.get(chunk);
  if (hit) return hit;
  const bytes = cache.buffers.take();
  dev.read(chunk * CHUNK, bytes);
  const b = makeBlock(chunk, bytes);
  cache.put(b);
  return b;
}

const op = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('read' as const), chunk: fc.integer({ min: 0, max: 199 }) }), weight: 10 },
  { arbitrary: fc.record({ kind: fc.constant('write' as const), chunk: fc.integer({ min: 0, max: 199 }), value: fc.integer({ min: 1, max: 255 }) }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('drop' as const), chunk: fc.integer({ min: 0, max: 199 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('flush' as const) }), weight: 1 },
);

describe('BlockCache (bounded CLOCK cache of tree blocks)', () => {
  it('loses no write through eviction, drop and flush, stays within capacity, and reuses evicted buffers (with and without vectored writes)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 40 }), fc.array(op, { minLength: 50, maxLength: 600, size: 'max' }), fc.boolean(), (capacity, ops, vectored) => {
        const dev = vectored ? new VectoredDevice(200 * CHUNK) : new MemoryDevice(200 * CHUNK);
        const cache = new BlockCache(dev, CHUNK, capacity);
        // What each chunk must read as: the last value written (drop forgets an unflushed one, as a freed chunk's block is never written).
        const model = new Map<number, number>();
        let drops = 0;
        for (const [i, o] of ops.entries()) {
          if (o.kind === 'read') {
            expect(load(cache, dev, o.chunk).bytes[0]).toBe(model.get(o.chunk) ?? 0);
          } else if (o.kind === 'write') {
            const b = load(cache, dev, o.chunk);
            b.bytes.fill(o.value);
            cache.markDirty(b);
            model.set(o.chunk, o.value);
          } else if (o.kind === 'drop') {
            if (cache.get(o.chunk)) drops++;
            cache.drop(o.chunk);
            model.set(o.chunk, dev.bytes[o.chunk * CHUNK]!);
          } else {
            cache.flushDirty();
          }
          // Callers trim between operations, never while holding a view; here every few operations.
          if (i % 4 === 3) {
            cache.trim();
            expect(cache.size).toBeLessThanOrEqual(capacity);
          }
        }
        cache.flushDirty();
        for (const [chunk, value] of model) expect(dev.bytes.subarray(chunk * CHUNK, (chunk + 1) * CHUNK).every((x) => x === value)).toBe(true);
        // At most 4 blocks beyond capacity between trims; a dropped block's buffer goes to the collector.
        expect(cache.buffers.carved).toBeLessThanOrEqual(capacity + 4 + drops + SLAB);
      }),
      { numRuns: 200, endOnFailure: true },
    );
  });

  it('writes a run of adjacent dirty blocks as one request, and a failed request leaves nothing behind for the next flush', () => {
    const dev = new VectoredDevice(100 * CHUNK);
    const cache = new BlockCache(dev, CHUNK, 64);
    const dirty = (chunks: number[], value: number) => {
      for (const c of chunks) {
        const b = load(cache, dev, c);
        b.bytes.fill(value);
        cache.markDirty(b);
      }
    };
    dirty([12, 10, 11, 20, 30, 31], 1);
    cache.flushDirty();
    expect(dev.requests).toEqual([[10, 3], [30, 2]]);
    dirty([40, 41, 42], 2);
    dev.failNext = true;
    expect(() => cache.flushDirty()).toThrow('EIO');
    dev.requests.length = 0;
    dirty([50, 51], 3);
    cache.flushDirty();
    expect(dev.requests).toEqual([[50, 2]]);
    expect([dev.bytes[20 * CHUNK], dev.bytes[42 * CHUNK], dev.bytes[51 * CHUNK]]).toEqual([1, 0, 3]);
  });

  it('keeps a block touched before every operation (an interior node) while the others cycle through', () => {
    const dev = new CountingDevice(2000 * CHUNK);
    const cache = new BlockCache(dev, CHUNK, 64);
    const next = rng(3);
    for (let i = 0; i < 20_000; i++) {
      load(cache, dev, 0);
      load(cache, dev, 1 + (next() % 1999));
      cache.trim();
    }
    expect(dev.reads.get(0)).toBe(1);
    expect(cache.size).toBeLessThanOrEqual(64);
  });

  it('holds no more buffers than its capacity after many lookups on a store whose tree is far larger', () => {
    const cow = new MemoryDevice(40_000 * CHUNK);
    const cacheBytes = 64 * CHUNK;
    const store = SharedStore.format(cow, { chunkBytes: CHUNK, cacheBytes });
    store.createSnapshot({ name: 'a' });
    const next = rng(11);
    for (let n = 0; n < 12_000; n++) {
      store.prepareOriginWrite(next() % 100_000);
      if (n % 500 === 499) store.commit();
    }
    store.close();
    const counting = SharedStore.open(cow, { cacheBytes });
    let leaves = 0;
    counting.forEachLeafFrom(0, () => void leaves++);
    counting.close();
    expect(leaves).toBeGreaterThan(8 * 64);
    const opened = SharedStore.open(cow, { cacheBytes });
    // Internal: the buffers the cache carved are what RSS would show.
    const cache = (opened as unknown as { state: StoreState }).state.tx.cache;
    const y = rng(5);
    let hits = 0;
    for (let i = 0; i < 50_000; i++) if (opened.lookup(0, y() % 100_000) >= 0) hits++;
    expect(hits).toBeGreaterThan(0);
    // The walk reads the tree once per lookup at most; the cache holds at most capacity plus one path.
    const path = opened.levels + 1;
    expect(cache.size).toBeLessThanOrEqual(cache.capacity + path);
    // Every buffer ever carved: bounded by the capacity, not by the lookups or the tree (hundreds of leaves).
    expect(cache.buffers.carved).toBeLessThanOrEqual(cache.capacity + path + SLAB);
    opened.close();
  });
});
