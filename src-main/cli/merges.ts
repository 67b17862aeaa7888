import type { MergeResult } from '../../src-core/api/dto.ts';
import { SnapscopeError } from '../../src-core/errors.ts';
import type { BlockDevice } from '../../src-core/io/block-device.ts';
import type { Task } from '../../src-core/jobs/job.ts';
import { PersistentStore, createPersistentMerge, planPersistentMerge } from '../../src-core/persistent/index.ts';
import type { ExceptionStore } from '../../src-core/store.ts';

/**
 * Merge per format: what a dry run reports and the Task that does it. A format gains merge by a
 * case in each function (the shared store's merge: issue 4).
 */
export function mergePlan(store: ExceptionStore, origin: BlockDevice, slot: number): MergeResult {
  if (store instanceof PersistentStore) {
    const plan = planPersistentMerge(store, origin);
    return { dryRun: true, slot, chunks: plan.chunks, bytes: plan.bytes, summary: plan.summary };
  }
  throw unsupported(store);
}

export function mergeTask(store: ExceptionStore, origin: BlockDevice, _slot: number): Task<MergeResult> {
  if (store instanceof PersistentStore) return createPersistentMerge(store, origin);
  throw unsupported(store);
}

function unsupported(store: ExceptionStore): SnapscopeError {
  return new SnapscopeError('unsupported', `merge of ${store.format} stores is not available yet`, { device: store.cow.name });
}
