import type { MergeResult } from '../../src-core/api/dto.ts';
import { SnapscopeError } from '../../src-core/errors.ts';
import type { EventSink } from '../../src-core/events.ts';
import type { BlockDevice } from '../../src-core/io/block-device.ts';
import type { Task } from '../../src-core/jobs/job.ts';
import { PersistentStore, createPersistentMerge, planPersistentMerge } from '../../src-core/persistent/index.ts';
import { SharedStore } from '../../src-core/shared/index.ts';
import { createSharedMerge, planResult, planSharedMerge } from '../../src-core/shared/merge/index.ts';
import type { ExceptionStore } from '../../src-core/store.ts';
import { BackgroundFlush } from './background-flush.ts';
import { FileDevice } from './file-device.ts';

/**
 * Merge per format, for the CLI and the API: what a dry run reports and the Task that does it.
 * The shared store emits its merge steps into its own event sink; the persistent merge takes one.
 * A shared merge into a file or block device flushes each batch in the background while it
 * copies the next one.
 */
/** `batchChunks` sizes a shared merge's batches (the persistent merge has none). */
export function mergePlan(store: ExceptionStore, origin: BlockDevice, slot: number, batchChunks?: number): MergeResult {
  if (store instanceof PersistentStore) {
    const plan = planPersistentMerge(store, origin);
    return { dryRun: true, slot, chunks: plan.chunks, bytes: plan.bytes, summary: plan.summary };
  }
  if (store instanceof SharedStore) return planResult(planSharedMerge(store, origin, slot, batchOptions(store, batchChunks)));
  throw unsupported(store);
}

/** `batchMs` sizes batches by time instead (the UI's merges: Pause and Cancel act within about that). */
export function mergeTask(store: ExceptionStore, origin: BlockDevice, slot: number, events?: EventSink, batchChunks?: number, batchMs?: number): Task<MergeResult> {
  const byTime = batchMs !== undefined && batchChunks === undefined ? { batchMs } : {};
  if (store instanceof PersistentStore) return createPersistentMerge(store, origin, { ...(events ? { events } : {}), ...byTime });
  if (store instanceof SharedStore) {
    const batch = { ...batchOptions(store, batchChunks), ...byTime };
    if (!(origin instanceof FileDevice)) return createSharedMerge(store, origin, slot, batch);
    const flush = new BackgroundFlush(origin.name);
    try {
      return releasing(createSharedMerge(store, origin, slot, { ...batch, startFlush: () => flush.start() }), () => flush.close());
    } catch (e) {
      flush.close();
      throw e;
    }
  }
  throw unsupported(store);
}

/** A batch size in chunks as the shared merge's option (it counts bytes). */
function batchOptions(store: SharedStore, batchChunks: number | undefined): { batchBytes?: number } {
  return batchChunks === undefined ? {} : { batchBytes: batchChunks * store.chunkBytes };
}

/** `task`, calling `release` once when it finishes, fails or is cancelled. */
function releasing<R>(task: Task<R>, release: () => void): Task<R> {
  let released = false;
  const once = (): void => {
    if (!released) release();
    released = true;
  };
  return {
    step: () => {
      try {
        const finished = task.step();
        if (finished) once();
        return finished;
      } catch (e) {
        once();
        throw e;
      }
    },
    progress: () => task.progress(),
    result: () => task.result(),
    cancelled: () => {
      task.cancelled?.();
      once();
    },
  };
}

/** The snapshot whose merge the store records as unfinished, if any (a merge command without --snapshot resumes it). */
export function recordedMerge(store: ExceptionStore): number | null {
  return store instanceof SharedStore ? (store.mergeRecord()?.slot ?? null) : null;
}

function unsupported(store: ExceptionStore): SnapscopeError {
  return new SnapscopeError('unsupported', `merge of ${store.format} stores is not available`, { device: store.cow.name });
}
