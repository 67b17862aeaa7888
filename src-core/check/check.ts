import type { BlockDevice } from '../io/block-device.ts';
import type { Task } from '../jobs/job.ts';
import { detectFormat } from '../open.ts';
import type { CheckReport } from '../walk/findings.ts';
import { PersistentWalk } from '../walk/persistent.ts';
import { SharedWalk } from '../walk/shared.ts';

/**
 * A check of the store on `cow`, whatever its format. It never writes and never trusts the
 * engines' open path: it walks raw blocks with the format codecs and reports what it finds.
 * Throws SnapscopeError only when `cow` is not readable as a store at all ('not-a-store', 'io').
 */
export function checkTask(cow: BlockDevice): Task<CheckReport> {
  const format = detectFormat(cow);
  return format === 'persistent' ? new PersistentWalk(cow) : new SharedWalk(cow);
}
