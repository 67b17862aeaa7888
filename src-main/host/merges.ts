import type { EventSink } from '../../src-core/events.ts';
import type { BlockDevice } from '../../src-core/io/block-device.ts';
import type { Task } from '../../src-core/jobs/job.ts';
import type { FlushWait, MergeResult, StoreMergeOptions } from '../../src-core/merge-result.ts';
import { sharedOf } from '../../src-core/formats.ts';
import type { ExceptionStore } from '../../src-core/store.ts';
import { BackgroundFlush } from './background-flush.ts';
import { FileDevice } from './file-device.ts';
import { WriteBehindDevice } from './write-behind.ts';

/**
 * Merge for the CLI and the API: what a dry run reports and the Task that does it (each format's
 * store does its own; ExceptionStore.planMerge / merge). A merge into a file or block device
 * flushes each batch in the background while it copies the next one.
 */
/** `batchChunks` sizes the merge's batches in origin chunks. */
export function mergePlan(store: ExceptionStore, origin: BlockDevice, slot: number, batchChunks?: number): MergeResult {
  return store.planMerge(origin, slot, batchOptions(store, batchChunks));
}

/** `batchMs` sizes batches by time instead (the UI's merges: Pause and Cancel act within about that). */
export function mergeTask(store: ExceptionStore, origin: BlockDevice, slot: number, events?: EventSink, batchChunks?: number, batchMs?: number): Task<MergeResult> {
  const byTime = batchMs !== undefined && batchChunks === undefined ? { batchMs } : {};
  const opts: StoreMergeOptions = { ...batchOptions(store, batchChunks), ...byTime, ...(events ? { events } : {}) };
  if (!(origin instanceof FileDevice)) return store.merge(origin, slot, opts);
  // The merge's data goes onto the origin from a writer thread while the next piece is read.
  const target = WriteBehindDevice.over(origin);
  // Made on the first batch that asks, when the origin has no writer of its own.
  let flush: BackgroundFlush | null = null;
  const startFlush = (): FlushWait => target?.startFlush() ?? (flush ??= new BackgroundFlush(origin.name)).start();
  const release = (): void => {
    flush?.close();
    target?.release();
  };
  let task: Task<MergeResult>;
  try {
    task = store.merge(target ?? origin, slot, { ...opts, startFlush });
  } catch (e) {
    release(); // a refused merge leaves no thread or descriptor behind
    throw e;
  }
  return releasing(task, release);
}

/** A batch size in chunks as the merge's option (it counts bytes). */
function batchOptions(store: ExceptionStore, batchChunks: number | undefined): { batchBytes?: number } {
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
  return sharedOf(store)?.mergeRecord()?.slot ?? null;
}
