/**
 * A merge of a store's only snapshot plans from leaf counts (plan.ts walkAlone): its figures and
 * refusals must be exactly those of the full walk, for any history and batch size.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { planSharedMerge, type SharedMergePlan } from '../../../src-core/shared/merge/index.ts';
import { opArb } from '../shared/ops.ts';
import { newVolume, replay } from './volume.ts';

const CHUNK = 512; // small chunks: a few hundred exceptions give the tree several levels
const ORIGIN_CHUNKS = 1200;

function outcome(f: () => SharedMergePlan): unknown {
  try {
    const { summary: _, ...figures } = f();
    return figures;
  } catch (e) {
    return { refused: (e as Error).message };
  }
}

describe('shared merge plan of the only snapshot', () => {
  it('counts leaves to the same figures and refusals as the walk of every exception', () => {
    let planned = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.array(opArb(CHUNK, ORIGIN_CHUNKS, 200), { minLength: 10, maxLength: 50 }),
        fc.nat(),
        fc.constantFrom(1, 3, 16, 100, 1000),
        fc.constantFrom(2048, 4096, 8192),
        fc.constantFrom(ORIGIN_CHUNKS, 600),
        (ops, pick, batchChunks, cowChunks, originChunks) => {
          const v = newVolume(CHUNK, cowChunks, ORIGIN_CHUNKS);
          try {
            replay(v, ops);
          } catch {
            return; // the history filled the COW
          }
          const active = [...v.model.snaps.keys()].sort((a, b) => a - b);
          if (!active.length) return;
          const slot = active[pick % active.length]!;
          // The others deleted, as a user does before merging the one left.
          for (const s of active) if (s !== slot) v.store.deleteSnapshot(s);
          v.store.commit();
          const origin = originChunks === ORIGIN_CHUNKS ? v.origin : new MemoryDevice(originChunks * CHUNK, 'small origin');
          const opts = { batchBytes: batchChunks * CHUNK };
          const full = outcome(() => planSharedMerge(v.store, origin, slot, opts));
          expect(outcome(() => planSharedMerge(v.store, origin, slot, opts, true))).toEqual(full);
          if ('refused' in (full as object)) refused++;
          else planned++;
        },
      ),
      { numRuns: 120, seed: 20261207 },
    );
    // Both outcomes must be reached, or the property proves little.
    expect(planned).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(5);
  });
});
