/**
 * Issue #12 point 6: a delete that pauses on a nearly full COW commits part-way. Killed after that
 * commit, the snapshot is half deleted: its reads, writes and merge are refused (they would give
 * other data), so are deletes and merges of others (their end would drop the record), `check`
 * reports it, and deleting it again finishes it.
 */
import { describe, expect, it } from 'vitest';
import { checkTask } from '../../../src-core/check/check.ts';
import { isSnapscopeError } from '../../../src-core/errors.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { PowerLossDevice, PowerRail } from '../../../src-core/io/power-loss-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { DELETING_FLAG, SharedStore } from '../../../src-core/shared/shared-store.ts';
import { planSharedMerge } from '../../../src-core/shared/merge/index.ts';
import { readViewChunk } from '../../../src-core/view.ts';
import { crashPoints, FATES } from './power-loss.ts';

const CHUNK = 1024;
const COW_CHUNKS = 480;

/** Snapshot A (slot 0) and D (slot 1); D owns ~400 exceptions in ~10 leaves, and the COW is left nearly full. */
function nearlyFull() {
  const cow = new MemoryDevice(CHUNK * COW_CHUNKS, 'cow');
  const origin = new MemoryDevice(CHUNK * 1024, 'origin');
  const store = SharedStore.format(cow, { chunkBytes: CHUNK });
  store.createSnapshot({ name: 'A' });
  store.createSnapshot({ name: 'D' });
  store.writeSnapshot(origin, 0, 1000, new Uint8Array(CHUNK).fill(1));
  for (let c = 0; store.usage().freeChunks > 20; c++) store.writeSnapshot(origin, 1, c, new Uint8Array(CHUNK).fill(c & 255));
  store.close();
  return { cow, origin };
}

/** Deletes D and "kills the process" right after the first commit that records the delete in progress: `cow` is left as that commit left it. */
function killedMidDelete(cow: MemoryDevice): void {
  let killedAt: Uint8Array | null = null;
  const store = SharedStore.open(cow, {
    write: true,
    events: (e) => {
      if (e.type === 'commit') killedAt ??= cow.bytes.slice();
    },
  });
  store.deleteSnapshot(1);
  expect(killedAt).not.toBeNull();
  cow.bytes.set(killedAt!);
}

const refused = (fn: () => unknown, pattern: RegExp) => {
  try {
    fn();
  } catch (e) {
    expect(isSnapscopeError(e), String(e)).toBe(true);
    expect(String((e as Error).message)).toMatch(pattern);
    return;
  }
  expect.fail(`not refused (${pattern})`);
};

describe('a delete killed after its first pause commit (point 6)', () => {
  it('the delete pauses at all on this COW', () => {
    const { cow } = nearlyFull();
    let commits = 0;
    const store = SharedStore.open(cow, { write: true, events: (e) => void (e.type === 'commit' && commits++) });
    store.deleteSnapshot(1);
    expect(commits).toBeGreaterThan(0);
  });

  it('refuses reading, writing and merging the half-deleted snapshot, and changes that would drop the record', () => {
    const { cow, origin } = nearlyFull();
    killedMidDelete(cow);
    const store = SharedStore.open(cow, { write: true });
    expect(store.info().notes.join()).toMatch(/slot 1 was being deleted/);
    const buf = new Uint8Array(CHUNK);
    refused(() => readViewChunk(store, origin, 1, 0, buf), /snapshot 1 .*being deleted/);
    refused(() => store.writeSnapshot(origin, 1, 0, buf), /snapshot 1 .*being deleted/);
    refused(() => planSharedMerge(store, origin, 1), /snapshot 1 .*being deleted/);
    refused(() => planSharedMerge(store, origin, 0), /snapshot 1 .*being deleted/);
    refused(() => store.deleteSnapshot(0), /snapshot 1 .*being deleted/);
    readViewChunk(store, origin, 0, 1000, buf); // the other snapshot reads as before
    expect(buf[0]).toBe(1);
  });

  it('check reports it, and deleting it again finishes it', () => {
    const { cow, origin } = nearlyFull();
    killedMidDelete(cow);
    const report = runToEnd(checkTask(cow));
    expect(report.findings.map((f) => f.kind)).toContain('s-delete-in-progress');
    const store = SharedStore.open(cow, { write: true });
    store.deleteSnapshot(1);
    store.close();
    const after = SharedStore.open(cow);
    expect(after.snapshots().map((s) => s.slot)).toEqual([0]);
    expect(after.info().notes).toEqual([]);
    expect(after.verify().problems).toEqual([]);
    expect(runToEnd(checkTask(cow)).findings.map((f) => f.kind)).not.toContain('s-delete-in-progress');
    const buf = new Uint8Array(CHUNK);
    readViewChunk(after, origin, 0, 1000, buf);
    expect(buf[0]).toBe(1);
  });
});

describe('opening for write cross-checks the bitmap against the tree (point 7)', () => {
  it('refuses a store whose bitmap marks a live exception chunk free, pointing to repair; read-only still opens', () => {
    const cow = new MemoryDevice(CHUNK * 256, 'cow');
    const origin = new MemoryDevice(CHUNK * 64, 'origin');
    const store = SharedStore.format(cow, { chunkBytes: CHUNK });
    store.createSnapshot({ name: 'A' });
    store.createSnapshot({ name: 'B' });
    for (let c = 0; c < 20; c++) store.writeSnapshot(origin, 0, c, new Uint8Array(CHUNK).fill(c + 1));
    const live = store.lookup(0, 7);
    store.close();
    cow.bytes[CHUNK + (live >>> 3)]! &= ~(1 << (live & 7)); // bitmap chunk 1
    const before = cow.bytes.slice();
    refused(() => SharedStore.open(cow, { write: true }), new RegExp(`chunk ${live} .*free in the bitmap.*repair`));
    expect(Buffer.compare(before, cow.bytes)).toBe(0);
    // Read-only, a damaged store opens tolerating the damage (the walk vouched for every block).
    const ro = SharedStore.open(cow, { tolerateDamage: true });
    const buf = new Uint8Array(CHUNK);
    readViewChunk(ro, origin, 0, 7, buf);
    expect(buf[0]).toBe(8);
  });

  it('a store that a crash left with leaks opens for write with them allocatable, and writes nothing until asked', () => {
    const { cow } = nearlyFull();
    killedMidDelete(cow);
    expect(runToEnd(checkTask(cow)).byKind['s-bitmap-leak']).toBeGreaterThan(0);
    const before = cow.bytes.slice();
    const store = SharedStore.open(cow, { write: true });
    const ro = SharedStore.open(new MemoryDevice(before.slice(), 'cow'));
    expect(store.usage().freeChunks).toBeGreaterThan(ro.usage().freeChunks);
    expect(Buffer.compare(before, cow.bytes)).toBe(0);
  });
});

describe('power loss at every write and flush of a pausing delete', () => {
  it('leaves D whole, half deleted (refused, finishable) or gone; A reads as before; the store checks clean', () => {
    const { cow: image, origin } = nearlyFull();
    const count = new PowerRail();
    const store = SharedStore.open(new PowerLossDevice(new MemoryDevice(image.bytes.slice(), 'cow'), count), { write: true });
    store.deleteSnapshot(1);
    store.close();
    const dBefore = new Uint8Array(CHUNK);
    readViewChunk(SharedStore.open(image), origin, 1, 37, dBefore);
    const seen = { whole: 0, half: 0, gone: 0 };
    for (const at of crashPoints(count.events, 80)) {
      for (const { fate, seed } of FATES) {
        const cow = new MemoryDevice(image.bytes.slice(), 'cow');
        const where = `power lost at event ${at} of ${count.events} (${fate})`;
        expect(() => {
          const s = SharedStore.open(new PowerLossDevice(cow, new PowerRail({ crashAt: at, fate, seed })), { write: true });
          s.deleteSnapshot(1);
          s.close();
        }, where).toThrow(/power loss|lost power/);
        expect(runToEnd(checkTask(cow)).errors, where).toBe(0);
        const after = SharedStore.open(cow);
        const buf = new Uint8Array(CHUNK);
        readViewChunk(after, origin, 0, 1000, buf);
        expect(buf[0], where).toBe(1);
        const deleting = (after.header().extFlags & DELETING_FLAG) !== 0;
        seen[deleting ? 'half' : after.snapshots().some((s) => s.slot === 1) ? 'whole' : 'gone']++;
        if (after.snapshots().some((s) => s.slot === 1) && !deleting) {
          readViewChunk(after, origin, 1, 37, buf);
          expect(buf, where).toEqual(dBefore);
        }
        if (deleting) refused(() => readViewChunk(after, origin, 1, 37, buf), /being deleted/);
        const w = SharedStore.open(cow, { write: true });
        if (w.snapshots().some((s) => s.slot === 1)) w.deleteSnapshot(1);
        w.close();
        expect(SharedStore.open(cow).snapshots().map((s) => s.slot), where).toEqual([0]);
        expect(runToEnd(checkTask(cow)).errors, where).toBe(0);
      }
    }
    expect(seen.whole * seen.half * seen.gone, JSON.stringify(seen)).toBeGreaterThan(0);
  });
});
