import { useApp } from '../../app/store-context.tsx';
import { formatBytes, formatCount } from '../../viz/format.ts';

/** What a finished (or stopped) merge changed on the origin and in the store. */
export function MergeSummary() {
  const merge = useApp((s) => s.merge);
  const job = useApp((s) => (s.merge ? s.jobs[s.merge.job] : undefined));
  const after = useApp((s) => s.info);
  const origin = useApp((s) => s.session?.origin ?? 'the origin');
  if (!merge || !job || !after) return null;
  const before = merge.before;
  const result = job.kind === 'merge' ? job.result : null;
  const cb = after.chunkBytes;
  const copies = result?.copiesForOthers;
  const headline =
    job.state === 'done'
      ? 'Merge finished'
      : job.state === 'cancelled'
        ? `Merge cancelled — the store is consistent, the origin is partly rolled back; resume to finish`
        : `Merge failed: ${job.error?.message ?? 'unknown error'}`;
  return (
    <div className={`alert ${job.state === 'done' ? 'info' : job.state === 'cancelled' ? 'warn' : 'error'}`} role="status" style={{ marginTop: 14 }} data-testid="merge-summary">
      <div>
        <strong>{headline}</strong>
        {result && (
          <p>
            <span className="mono">{origin}</span> now shows what &apos;{merge.snapshotName}&apos; showed: {formatCount(result.chunks)} origin chunks ({formatBytes(result.chunks * cb)}) were
            rewritten with the snapshot&apos;s data; every other chunk of the origin is unchanged.
          </p>
        )}
        {result && copies !== undefined && (
          <p>
            {formatCount(copies)} chunks ({formatBytes(copies * cb)}) were copied first for the other snapshots, so their views did not change; &apos;{merge.snapshotName}
            &apos; was deleted.
          </p>
        )}
        <p>
          Exceptions in the store: {formatCount(before.exceptions)} → {formatCount(after.exceptions)}; snapshots: {before.snapshots.length} → {after.snapshots.length}; free chunks:{' '}
          {formatCount(before.usage.freeChunks)} → {formatCount(after.usage.freeChunks)}.
        </p>
      </div>
    </div>
  );
}
