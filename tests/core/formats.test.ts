import { describe, expect, it } from 'vitest';
import { isSnapscopeError } from '../../src-core/errors.ts';
import { requirePersistent, requireShared } from '../../src-core/formats.ts';
import { MemoryDevice } from '../../src-core/io/memory-device.ts';
import { PersistentStore } from '../../src-core/persistent/index.ts';
import { SharedStore } from '../../src-core/shared/index.ts';
import type { ExceptionStore } from '../../src-core/store.ts';

const CHUNK = 4096;

function stores(): ExceptionStore[] {
  const shared = SharedStore.format(new MemoryDevice(256 * CHUNK, 'shared.cow'), { chunkBytes: CHUNK });
  shared.createSnapshot();
  const origin = new MemoryDevice(64 * CHUNK, 'origin');
  const persistent = PersistentStore.format(new MemoryDevice(256 * CHUNK, 'persistent.cow'), { chunkBytes: CHUNK });
  for (const store of [shared, persistent]) {
    for (const c of [1, 5, 9]) store.writeOrigin(origin, c, new Uint8Array(CHUNK).fill(c));
    store.commit();
  }
  return [shared, persistent];
}

function refusal(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    if (isSnapscopeError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('not refused');
}

describe('one narrowing, one error, one occupancy shape', () => {
  it('asking a store for what only the other format has is one unsupported error naming the device and the action', () => {
    const [shared, persistent] = stores();
    expect(requireShared(shared!, 'x')).toBe(shared);
    expect(requirePersistent(persistent!, 'x')).toBe(persistent);
    const a = refusal(() => requireShared(persistent!, 'create a snapshot'));
    const b = refusal(() => requirePersistent(shared!, 'list metadata areas'));
    expect(a.code).toBe('unsupported');
    expect(b.code).toBe('unsupported');
    expect(a.message).toMatch(/^cannot create a snapshot: persistent\.cow is a persistent store; .*holds exactly one snapshot/);
    expect(b.message).toMatch(/^cannot list metadata areas: shared\.cow is a shared store; /);
  });

  it('both formats answer occupancy in one shape whose counts add up to the chunks of each bucket', () => {
    for (const store of stores()) {
      const occ = store.occupancy(0, 100, 7);
      expect(occ.start).toBe(0);
      expect(occ.end).toBe(100);
      expect(occ.chunksPerBucket).toBe(15);
      expect(occ.buckets).toBe(7);
      for (let b = 0; b < occ.buckets; b++) {
        const total = Object.values(occ.counts).reduce((n, counts) => n + counts[b]!, 0);
        expect(total, `${store.format} bucket ${b}`).toBe(Math.min(15, 100 - b * 15));
      }
      const data = store.format === 'shared' ? occ.counts.exception! : occ.counts.data!;
      expect(data.reduce((n, x) => n + x, 0), store.format).toBe(3);
    }
  });
});
