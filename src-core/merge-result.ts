/** What a merge of either format takes and reports: its dry run and its finished job answer this. */
import type { EventSink } from './events.ts';

/** How a merge runs (ExceptionStore.planMerge / merge); each format uses what applies to it. */
export interface StoreMergeOptions {
  /** Data moved onto the origin between two flush + commit points (default per format). */
  batchBytes?: number;
  /** Size batches by time instead: about this many milliseconds each, so a job pauses and cancels promptly. */
  batchMs?: number;
  /** Where a persistent merge reports its steps (a shared store emits into its own sink). */
  events?: EventSink;
  /**
   * Starts making the origin's completed writes durable and returns a function that waits until
   * they are (default `origin.flush()` at once): lets a background flush overlap one batch's
   * write-back with the next batch's copying.
   */
  startFlush?: () => FlushWait;
}

/**
 * Waits until a started flush is done, throwing if it failed; given `withinMs`, waits at most that
 * long and says whether it is done. A merge waits in steps of FLUSH_POLL_MS, so a pause or cancel
 * lands while a batch's fsync is still running (up to 885 ms here) rather than after it.
 */
export type FlushWait = (withinMs?: number) => boolean;

/** The longest a merge step waits for an origin flush before it yields to a pause or cancel. */
export const FLUSH_POLL_MS = 25;

export interface MergeResult {
  dryRun: boolean;
  slot: number;
  /** Origin chunks copied (or that would be). */
  chunks: number;
  bytes: number;
  /** Human-readable lines: what was (would be) copied, space needed. */
  summary: string[];
  /** A shared store's dry run: the figures its summary lines say, for a UI that shows them. */
  plan?: SharedMergeFigures;
  /** A finished shared merge: chunks copied from the origin first for the other snapshots (new exceptions; this run's). */
  copiesForOthers?: number;
  /** A finished shared merge: exceptions only the merged snapshot held, freed (this run's). */
  freed?: number;
  /** A shared merge that continued a recorded one: origin chunks the earlier runs merged (`chunks` counts this run). */
  mergedBefore?: number;
}

export interface SharedMergeFigures {
  /** Exceptions added first, for the other snapshots that still read the origin at merged chunks. */
  copies: number;
  /** Exceptions only the merged snapshot reads: freed as their chunks are merged. */
  frees: number;
  /** Free COW chunks the merge needs at its peak, and those free now. */
  spaceNeeded: number;
  freeChunks: number;
  /** Origin chunks per batch, and the batches. */
  batchChunks: number;
  batches: number;
  /** The unfinished merge recorded on disk that this one continues: chunks merged before; null when it starts afresh. */
  resumesDone: number | null;
}
