/** What the merge refuses before it changes anything, what a dry run reports, its events and its I/O. */
import { describe, expect, it } from 'vitest';
import type { StructuralEvent } from '../../../src-core/events.ts';
import { FaultDevice } from '../../../src-core/io/fault-device.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { headerChecksum, HEADER_LAYOUT } from '../../../src-core/shared/format/header.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { createSharedMerge, planSharedMerge } from '../../../src-core/shared/merge/index.ts';
import { newVolume, replay } from './volume.ts';

const CHUNK = 1024;

/** Snapshot 0 with copies of origin 0..63: 0..31 its own, 32..63 shared with snapshot 1, which reads the origin at 0..31. */
function volume(cowChunks = 1024) {
  const v = newVolume(CHUNK, cowChunks, 128);
  replay(v, [
    { kind: 'create' },
    { kind: 'origin', chunk: 0, count: 32, byte: 1 },
    { kind: 'create' },
    { kind: 'origin', chunk: 32, count: 32, byte: 2 },
    { kind: 'snap', pick: 0, chunk: 0, byte: 3, offset: 0, length: CHUNK },
  ]);
  return v;
}

const failure = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('expected a refusal');
};

describe('shared merge preflight', () => {
  it('a dry run reports copies, space and runs, and changes nothing', () => {
    const v = volume();
    const cow = v.cow.bytes.slice();
    const origin = v.origin.bytes.slice();
    const plan = planSharedMerge(v.store, v.origin, 0, { batchBytes: 16 * CHUNK });
    expect(plan).toMatchObject({ slot: 0, chunks: 64, copies: 32, frees: 32, bytes: 96 * CHUNK, batches: 4, resumes: null });
    expect(plan.spaceNeeded).toBeGreaterThan(32);
    expect(plan.spaceNeeded).toBeLessThan(plan.freeChunks);
    expect(plan.summary.join('\n')).toMatch(/64 chunks .* onto the origin, in 4 batches of up to 16 chunks\n.*first 32 chunks .* copied from the origin for the other snapshots/);
    expect(plan.summary).toContainEqual(expect.stringMatching(/^origin \d+\.\.\d+ <- COW \d+\.\.\d+$/));
    expect(Buffer.compare(v.cow.bytes, cow)).toBe(0);
    expect(Buffer.compare(v.origin.bytes, origin)).toBe(0);
  });

  it('refuses a read-only or invalid store, a read-only or too small origin, a missing snapshot', () => {
    const v = volume();
    v.store.close();
    expect(failure(() => createSharedMerge(SharedStore.open(v.cow), v.origin, 0))).toMatchObject({ code: 'read-only', message: expect.stringContaining('opened read-only') });
    const store = SharedStore.open(v.cow, { write: true });
    expect(failure(() => createSharedMerge(store, new MemoryDevice(v.origin.bytes, 'ro', true), 0))).toMatchObject({ code: 'read-only', message: expect.stringContaining('origin ro') });
    expect(failure(() => createSharedMerge(store, new MemoryDevice(16 * CHUNK, 'small'), 0))).toMatchObject({ code: 'usage', message: expect.stringContaining('wrong origin?') });
    expect(failure(() => createSharedMerge(store, v.origin, 5))).toMatchObject({ code: 'not-found', message: expect.stringContaining('no snapshot in slot 5') });
    store.close();

    const bytes = v.cow.bytes.slice();
    const dv = new DataView(bytes.buffer);
    dv.setUint32(HEADER_LAYOUT.valid.offset, 0, true);
    dv.setUint32(HEADER_LAYOUT.checksum.offset, headerChecksum(bytes), true);
    const invalid = SharedStore.open(new MemoryDevice(bytes, 'cow'), { write: true });
    expect(failure(() => planSharedMerge(invalid, v.origin, 0))).toMatchObject({ code: 'unsupported', message: expect.stringContaining('marked invalid') });
  });

  it('refuses when the COW cannot hold the copies for the other snapshots, unchanged', () => {
    const roomy = volume();
    // The smallest batches the plan would fall back to need the least room.
    const need = planSharedMerge(roomy.store, roomy.origin, 0, { batchBytes: 64 * CHUNK }).spaceNeeded;
    // The same history on a COW with 5 chunks fewer free than the merge needs.
    const v = volume(roomy.store.usage().allocatedChunks + need - 5);
    expect(v.store.usage().freeChunks).toBe(need - 5);
    const cow = v.cow.bytes.slice();
    const e = failure(() => createSharedMerge(v.store, v.origin, 0));
    expect(e).toMatchObject({ code: 'no-space' });
    expect(e.message).toMatch(/need 32 copies of origin chunks first, and the merge needs up to \d+ free chunks .* which has \d+/);
    expect(Buffer.compare(v.cow.bytes, cow)).toBe(0);
    expect(v.store.mergeRecord()).toBeNull();
  });

  it('refuses when an origin chunk has no room for one more copy', () => {
    const cb = 512; // at most 29 copies per origin chunk
    const v = newVolume(cb, 4096, 8);
    for (let s = 0; s < 29; s++) {
      v.store.createSnapshot({ slot: s });
      v.store.writeSnapshot(v.origin, s, 0, new Uint8Array(cb).fill(s + 1));
    }
    v.store.createSnapshot({ slot: 40 }); // reads the origin at chunk 0
    expect(failure(() => planSharedMerge(v.store, v.origin, 3))).toMatchObject({ code: 'capacity', message: expect.stringContaining('origin chunk 0 already has 29 copies') });
  });

  it('emits each step in order and writes the origin in runs', () => {
    const v = volume();
    const events: StructuralEvent[] = [];
    v.store.close();
    const store = SharedStore.open(v.cow, { write: true, events: (e) => events.push(e) });
    const origin = new FaultDevice(v.origin);
    runToEnd(createSharedMerge(store, origin, 0, { batchBytes: 64 * CHUNK }));
    const steps = events.filter((e) => e.type.startsWith('merge-') || e.type === 'commit' || e.type === 'snapshot-delete').map((e) => e.type);
    // record, copies for snapshot 1, commit, "the origin is written from now on" (ext_flags) commit, S's data onto the origin, clear + record, commit, delete + commit.
    expect(steps.join(' ')).toMatch(/^commit (merge-origin-copy ){32}commit commit (merge-copy-to-origin )+(merge-clear )+commit snapshot-delete commit$/);
    expect(events.find((e) => e.type === 'merge-origin-copy')).toMatchObject({ origin: 0, share: 2n });
    // 64 consecutive origin chunks: one write, filled by one read per run of consecutive sources.
    expect(origin.writes).toBe(1);
    const runs = events.filter((e) => e.type === 'merge-copy-to-origin').map((e) => (e as { count: number }).count);
    expect(runs.reduce((a, b) => a + b)).toBe(64);
    expect(runs.length).toBeLessThan(20);
    expect(events.filter((e) => e.type === 'merge-clear')).toEqual([{ type: 'merge-clear', origin: 0, count: 64 }]);
  });
});
