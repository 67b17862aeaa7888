import fc from 'fast-check';
import { isSnapscopeError } from '../../../src-core/errors.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import type { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { uuidFor, type Model, type Op } from './model.ts';

export interface Volume {
  store: SharedStore;
  cow: BlockDevice;
  origin: MemoryDevice;
  model: Model;
  serial: number;
  reopen: () => SharedStore;
}

/** Applies one op to the store and the model. A refused write ('capacity') must leave both unchanged. */
export function applyOp(v: Volume, op: Op): void {
  const { model } = v;
  const active = [...model.snaps.keys()].sort((a, b) => a - b);
  switch (op.kind) {
    case 'create': {
      if (active.length === 64 || (op.slot !== undefined && model.snaps.has(op.slot))) return;
      const serial = v.serial++;
      let slot = op.slot;
      if (slot === undefined) for (slot = 0; model.snaps.has(slot); slot++);
      v.store.createSnapshot({ slot, name: `s${serial}`, uuid: uuidFor(slot, serial), created: 1_700_000_000 + serial });
      model.snaps.set(slot, new Map(model.origin));
      return;
    }
    case 'delete': {
      if (!active.length) return;
      const slot = active[op.pick % active.length]!;
      v.store.deleteSnapshot(slot);
      model.snaps.delete(slot);
      return;
    }
    case 'origin': {
      for (let c = op.chunk; c < Math.min(model.originChunks, op.chunk + op.count); c++) {
        if (!refused(() => v.store.writeOrigin(v.origin, c, new Uint8Array(model.chunkBytes).fill(op.byte)), v, c)) {
          model.write('origin', c, op.byte, 0, model.chunkBytes);
        }
      }
      return;
    }
    case 'snap': {
      if (!active.length) return;
      const slot = active[op.pick % active.length]!;
      const offset = Math.min(op.offset, model.chunkBytes - 1);
      const length = Math.min(op.length, model.chunkBytes - offset);
      const chunk = op.chunk % model.originChunks;
      if (!refused(() => v.store.writeSnapshot(v.origin, slot, chunk, new Uint8Array(length).fill(op.byte), offset), v, chunk)) {
        model.write(slot, chunk, op.byte, offset, length);
      }
      return;
    }
    case 'commit':
      v.store.commit();
      return;
    case 'reopen':
      v.store.close();
      v.store = v.reopen();
      return;
  }
}

/** Runs `write`; returns true when it was refused for capacity, which is only allowed for a full list. */
function refused(write: () => void, v: Volume, chunk: number): boolean {
  try {
    write();
    return false;
  } catch (e) {
    if (!isSnapscopeError(e) || e.code !== 'capacity') throw e;
    const path = v.store.pathTo(chunk);
    const leaf = v.store.readLeaf(path[path.length - 1]!);
    const list = leaf.origins.find((o) => o.origin === chunk);
    if (list?.exceptions.length !== v.store.maxExceptionsPerOrigin) throw new Error(`capacity refused with ${list?.exceptions.length} exceptions`);
    return true;
  }
}

/** A random operation of the plain model: origin writes cover runs of up to `maxRun` chunks. */
export function opArb(chunkBytes: number, originChunks: number, maxRun: number): fc.Arbitrary<Op> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), slot: fc.option(fc.nat(63), { nil: undefined }) }).map((o): Op => (o.slot === undefined ? { kind: o.kind } : { kind: o.kind, slot: o.slot })) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('origin' as const), chunk: fc.nat(originChunks - 1), count: fc.integer({ min: 1, max: maxRun }), byte: fc.integer({ min: 1, max: 255 }) }) },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('snap' as const),
        pick: fc.nat(),
        chunk: fc.nat(originChunks - 1),
        byte: fc.integer({ min: 1, max: 255 }),
        offset: fc.nat(chunkBytes - 1),
        length: fc.integer({ min: 1, max: chunkBytes }),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'commit' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  );
}
