/**
 * Shared helpers of the merge tests: a random history over the plain model of tests/core/shared
 * (at most 8 snapshots), the views a merge must produce, and the checks of a finished merge.
 */
import { expect } from 'vitest';
import { checkTask } from '../../../src-core/check/check.ts';
import type { EventSink } from '../../../src-core/events.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { readViewChunk } from '../../../src-core/view.ts';
import { equal, Model, type Op } from '../shared/model.ts';
import { applyOp, type Volume } from '../shared/ops.ts';

export const MAX_SNAPSHOTS = 8;
export type Views = Map<number, Map<number, Uint8Array>>;


export function newVolume(chunkBytes: number, cowChunks: number, originChunks: number, events?: EventSink): Volume & { cow: MemoryDevice } {
  const cow = new MemoryDevice(chunkBytes * cowChunks, 'cow');
  const origin = new MemoryDevice(chunkBytes * originChunks, 'origin');
  const opts = { cacheBytes: 64 * chunkBytes, ...(events ? { events } : {}) };
  return {
    store: SharedStore.format(cow, { chunkBytes, ...opts }),
    cow,
    origin,
    model: new Model(chunkBytes, originChunks),
    serial: 0,
    reopen: () => SharedStore.open(cow, { write: true, ...opts }),
  };
}

/** Applies a history, keeping at most MAX_SNAPSHOTS snapshots; commits at the end. */
export function replay(v: Volume, ops: readonly Op[]): void {
  for (const op of ops) {
    if (op.kind === 'create' && v.model.snaps.size >= MAX_SNAPSHOTS) continue;
    applyOp(v, op);
  }
  v.store.commit();
}

/** What every snapshot reads now, from the model. */
export function views(model: Model): Views {
  return model.clone();
}

/** Bytes of every origin chunk of `origin`, as a fresh copy. */
export function originBytes(origin: BlockDevice): Uint8Array {
  const out = new Uint8Array(origin.size);
  origin.read(0, out);
  return out;
}

/** The first chunk where `view` of the store differs from `want`, as text; null when equal. */
export function viewProblem(store: SharedStore, origin: BlockDevice, view: 'origin' | number, want: Map<number, Uint8Array>, chunks: number): string | null {
  const cb = store.chunkBytes;
  const buf = new Uint8Array(cb);
  for (let c = 0; c < chunks; c++) {
    readViewChunk(store, origin, view, c, buf);
    const expected = want.get(c) ?? new Uint8Array(cb);
    if (!equal(buf, expected)) return `${view === 'origin' ? 'origin' : `snapshot ${view}`} chunk ${c}: read ${buf[0]}.. want ${expected[0]}..`;
  }
  return null;
}

/**
 * The end state of merging `slot`: the origin reads as the snapshot did, every other snapshot as
 * before, the snapshot is gone, and the store is sound with no chunk leaked (unless a crash
 * happened: a commit's deferred frees reach the disk only with the next commit) — also as the
 * independent checker sees it.
 */
export function expectMerged(store: SharedStore, cow: BlockDevice, origin: BlockDevice, before: Views, slot: number, chunks: number, crashed = false): void {
  expect(store.mergeRecord()).toBeNull();
  expect(store.snapshots().map((s) => s.slot)).toEqual([...before.keys()].filter((s) => s !== slot).sort((a, b) => a - b));
  expect(viewProblem(store, origin, 'origin', before.get(slot)!, chunks)).toBeNull();
  for (const [other, view] of before) if (other !== slot) expect(viewProblem(store, origin, other, view, chunks)).toBeNull();
  const { problems, leaked } = store.verify();
  expect(problems).toEqual([]);
  if (!crashed) expect(leaked).toEqual([]);
  const report = runToEnd(checkTask(cow));
  expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
}
