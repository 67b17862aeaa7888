import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventSink, StructuralEvent } from '../../../src-core/events.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { expectReadsAgree, Model, type Op } from './model.ts';
import { applyOp, type Volume } from './ops.ts';

const CHUNK = 512;
const ORIGIN_CHUNKS = 600;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), slot: fc.option(fc.nat(63), { nil: undefined }) }).map((o): Op => (o.slot === undefined ? { kind: 'create' } : { kind: 'create', slot: o.slot })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('origin' as const), chunk: fc.nat(ORIGIN_CHUNKS - 1), count: fc.integer({ min: 1, max: 120 }), byte: fc.integer({ min: 1, max: 255 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('snap' as const),
      pick: fc.nat(),
      chunk: fc.nat(ORIGIN_CHUNKS - 1),
      byte: fc.integer({ min: 1, max: 255 }),
      offset: fc.nat(CHUNK - 1),
      length: fc.integer({ min: 1, max: CHUNK }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'commit' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
);

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
      fc.property(fc.array(opArb, { minLength: 5, maxLength: 40 }), (ops) => {
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
