import type { MergeResult } from '../../../src-core/api/contract.ts';
import { useApp } from '../../app/store-context.tsx';
import { formatBytes, formatCount } from '../../viz/format.ts';

/** What a finished (or stopped) merge changed on the origin and in the store. */
export function MergeSummary() {
  const merge = useApp((s) => s.merge);
  const job = useApp((s) => (s.merge ? s.jobs[s.merge.job] : undefined));
  const after = useApp((s) => s.info);
  const origin = useApp((s) => s.session?.origin ?? 'the origin');
  // Copies for other snapshots made by every run of this merge this page saw (a resume makes only the rest).
  const copiedBytes = useApp((s) => {
    const session = s.session?.session;
    let bytes = 0;
    for (const j of Object.values(s.jobs)) {
      if (j.kind !== 'merge' || j.session !== session || j.result?.dryRun) continue;
      bytes += j.progress.stages?.find((st) => st.name.startsWith('copies'))?.done ?? 0;
    }
    return bytes;
  });
  if (!merge || !job || !after) return null;
  const before = merge.before;
  const result = job.kind === 'merge' ? job.result : null;
  const cb = after.chunkBytes;
  // All runs: origin chunks the earlier runs merged are in the store's record, and so in `mergedBefore`.
  const chunks = result ? result.chunks + (result.mergedBefore ?? 0) : 0;
  const copies = result?.copiesForOthers === undefined ? undefined : Math.max(result.copiesForOthers, Math.round(copiedBytes / cb));
  const headline =
    job.state === 'done'
      ? 'Merge finished'
      : job.state === 'cancelled'
        ? `Merge cancelled — the store is consistent${movedOrigin(job) ? ', the origin is partly rolled back; resume to finish' : '; no origin chunk was moved'}`
        : `Merge failed: ${job.error?.message ?? 'unknown error'}`;
  return (
    <div className={`alert ${job.state === 'done' ? 'info' : job.state === 'cancelled' ? 'warn' : 'error'}`} role="status" style={{ marginTop: 14 }} data-testid="merge-summary">
      <div>
        <strong>{headline}</strong>
        {result && (
          <p>
            <span className="mono">{origin}</span> now shows what &apos;{merge.snapshotName}&apos; showed: {formatCount(chunks)} origin chunks ({formatBytes(chunks * cb)}) were
            rewritten with the snapshot&apos;s data{result.mergedBefore ? ` (${formatCount(result.mergedBefore)} of them by earlier runs)` : ''}; every other chunk of the origin is unchanged.
          </p>
        )}
        {result && copies !== undefined && (
          <p>
            {formatCount(copies)} chunks ({formatBytes(copies * cb)}) were copied first for the other snapshots, so their views did not change; &apos;{merge.snapshotName}
            &apos; was deleted.
          </p>
        )}
        <p data-testid="merge-exceptions">
          Exceptions in the store: {formatCount(before.exceptions)} → {formatCount(after.exceptions)}
          {exceptionsWhy(after.exceptions - before.exceptions, result, merge.snapshotName)}.
        </p>
        <p>
          Snapshots: {before.snapshots.length} → {after.snapshots.length}; free chunks: {formatCount(before.usage.freeChunks)} → {formatCount(after.usage.freeChunks)}.
        </p>
      </div>
    </div>
  );
}

/**
 * Why this run changed the store's exception count, when its own figures account for all of it:
 * each copy for the other snapshots is a new exception, and S's exceptions no other snapshot
 * shared are freed (the shared ones only lose S's bit): a merge often adds more than it frees.
 */
function exceptionsWhy(change: number, result: MergeResult | null, snapshot: string): string {
  const added = result?.copiesForOthers;
  const freed = result?.freed;
  if (added === undefined || freed === undefined || added - freed !== change || (added === 0 && freed === 0)) return '';
  const parts = [
    ...(added ? [`+${formatCount(added)} copies of the origin chunks the merge overwrote, made for the other snapshots that read them on the origin`] : []),
    ...(freed ? [`−${formatCount(freed)} exceptions only '${snapshot}' held, freed`] : []),
  ];
  return ` (${parts.join('; ')})`;
}

/** Whether a stopped merge had moved origin chunks (its last progress says). */
function movedOrigin(job: { progress: { stages?: { name: string; done: number }[]; done: number } }): boolean {
  const stage = job.progress.stages?.find((s) => s.name === 'onto the origin');
  return stage ? stage.done > 0 : job.progress.done > 0;
}
