/**
 * repair carries over what a rebuild cannot finish: a merge into the origin and a part-way
 * delete stay recorded (with a note saying so), and a merge record that names no live snapshot is
 * dropped with a note.
 */
import { describe, expect, it } from 'vitest';
import { checkTask } from '../../../src-core/check/check.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { applyRepair, planRepair } from '../../../src-core/repair/repair.ts';
import { clearBit } from '../../../src-core/shared/format/bitmap.ts';
import { NO_MERGE_SLOT, decodeHeader, encodeHeader, type SharedHeader } from '../../../src-core/shared/format/header.ts';
import { DELETING_FLAG, SharedStore } from '../../../src-core/shared/shared-store.ts';
import { S_CHUNK, sharedCow } from './shared-fixtures.ts';

/** Two snapshots, origins 0, 3, 6, ...; the header changed by `change`; the root's bitmap bit cleared (damage to repair). */
function damaged(change: Partial<SharedHeader>): MemoryDevice {
  const { cow } = sharedCow(2, 40);
  const h = decodeHeader(cow.bytes, 'cow');
  encodeHeader({ ...h, ...change }, cow.bytes);
  clearBit(cow.bytes.subarray(S_CHUNK, 2 * S_CHUNK), h.rootChunk);
  return cow;
}

function repaired(cow: MemoryDevice) {
  const plan = planRepair(new MemoryDevice(cow.bytes, 'damaged', true));
  const target = new MemoryDevice(cow.bytes.slice(), 'repaired');
  applyRepair(target, plan);
  const report = runToEnd(checkTask(new MemoryDevice(target.bytes, 'repaired', true)));
  // A part-way delete stays recorded, so check keeps reporting it until it is finished.
  expect(report.findings.filter((f) => f.kind !== 's-delete-in-progress')).toEqual([]);
  return { plan, header: decodeHeader(target.bytes, 'repaired'), target };
}

describe('repair and what a rebuild cannot finish', () => {
  it('keeps a merge in progress and a part-way delete recorded, and says so', () => {
    // Cursor 0: slot 1 has exceptions from origin 0 up, and none may lie below the cursor.
    const { plan, header, target } = repaired(damaged({ mergeSlot: 1, mergeDone: 4, mergeCursor: 0, extFlags: (DELETING_FLAG | 0) >>> 0 }));
    expect(plan.report.findings.map((f) => f.kind)).toEqual(['s-delete-in-progress', 's-bitmap-free']);
    expect(plan.notes).toEqual([
      'snapshot slot 0 was being deleted (its data is incomplete): still marked; delete it again to finish',
      'snapshot slot 1 is being merged into the origin (origin chunks below 0 merged): still recorded; run merge again to finish',
    ]);
    expect([header.mergeSlot, header.mergeDone, header.mergeCursor, header.extFlags >>> 0]).toEqual([1, 4, 0, DELETING_FLAG >>> 0]);
    expect(SharedStore.open(target).mergeRecord()).toEqual({ slot: 1, done: 4, cursor: 0 });
  });

  it('an exception of the merging snapshot below merge_cursor: check reports it, repair lowers the cursor to it', () => {
    const cow = damaged({ mergeSlot: 1, mergeDone: 4, mergeCursor: 12 });
    const below = runToEnd(checkTask(new MemoryDevice(cow.bytes, 'damaged', true))).findings.filter((f) => f.kind === 's-merge-below-cursor');
    expect(below.length).toBeGreaterThan(0);
    expect(below[0]!.message).toMatch(/^origin 0: merging snapshot 1 still has an exception below merge_cursor 12$/);
    const { plan, header } = repaired(cow);
    expect(plan.notes).toContain('snapshot slot 1 is being merged into the origin (origin chunks below 0 merged): still recorded; run merge again to finish');
    expect(header.mergeCursor).toBe(0);
  });

  it('drops a merge record that names no live snapshot (check reports it), and says so', () => {
    const { plan, header } = repaired(damaged({ mergeSlot: 5, mergeCursor: 12 }));
    expect(plan.report.findings.map((f) => [f.kind, f.chunk])).toEqual([
      ['s-header-merge', 0],
      ['s-bitmap-free', decodeHeader(sharedCow(2, 40).cow.bytes, 'cow').rootChunk],
    ]);
    expect(plan.notes).toEqual(['the merge record names no live snapshot: dropped (the origin may be part merged)']);
    expect(header.mergeSlot).toBe(NO_MERGE_SLOT);
  });
});
