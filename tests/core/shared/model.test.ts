import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventSink, StructuralEvent } from '../../../src-core/events.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { expectReadsAgree, Model } from './model.ts';
import { applyOp, opArb, type Volume } from './ops.ts';

const CHUNK = 512;
const ORIGIN_CHUNKS = 600;

const ops = opArb(CHUNK, ORIGIN_CHUNKS, 120);

function newVolume(events: EventSink): Volume {
  const cow = new MemoryDevice(CHUNK * 8192, 'cow');
  const origin = new MemoryDevice(CHUNK * ORIGIN_CHUNKS, 'origin');
  const v: Volume = {
    store: SharedStore.format(cow, { chunkBytes: CHUNK, cacheBytes: 64 * CHUNK, events }),
    cow,
    origin,
    model: new Model(CHUNK, ORIGIN_CHUNKS),
    serial: 0,
    reopen: () => SharedStore.open(cow, { write: true, cacheBytes: 64 * CHUNK, events }),
  };
  return v;
}

describe('shared store against a model', () => {
  it('agrees with the model after every step, and the bitmap marks exactly what is referenced', () => {
    const seen = new Map<StructuralEvent['type'], number>();
    const count: EventSink = (e) => seen.set(e.type, (seen.get(e.type) ?? 0) + 1);
    let deepest = 0;
    fc.assert(
      fc.property(fc.array(ops, { minLength: 5, maxLength: 40 }), (ops) => {
        const v = newVolume(count);
        for (const op of ops) {
          applyOp(v, op);
          deepest = Math.max(deepest, v.store.levels);
          const { problems, leaked } = v.store.verify();
          expect(problems).toEqual([]);
          expect(leaked).toEqual([]);
          expect(expectReadsAgree(v.store, v.origin, v.model.snaps, v.model)).toBeNull();
        }
      }),
      { numRuns: 60, seed: 20240601 },
    );
    // The workload must reach every structural change, or the property proves little.
    // (Node merges and level drops need deeper trees than short random scripts build: tree-shape.test.ts.)
    for (const kind of ['leaf-split', 'node-split', 'new-root', 'leaf-merge', 'exception-unshare', 'exception-free'] as const) {
      expect(seen.get(kind) ?? 0, kind).toBeGreaterThan(0);
    }
    expect(deepest).toBeGreaterThanOrEqual(2);
  });
});
