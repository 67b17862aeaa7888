import { useApp } from '../../app/store-context.tsx';
import { formatBytes, formatCount } from '../../viz/format.ts';

/** What a finished (or stopped) merge changed on the origin and in the store. */
export function MergeSummary() {
  const merge = useApp((s) => s.merge);
  const job = useApp((s) => (s.merge ? s.jobs[s.merge.job] : undefined));
  const after = useApp((s) => s.info);
  if (!merge || !job || !after) return null;
  const before = merge.before;
  const result = job.kind === 'merge' ? job.result : null;
  return (
    <div className={`alert ${job.state === 'done' ? 'info' : 'error'}`} role="status" style={{ marginTop: 14 }} data-testid="merge-summary">
      <div>
        <strong>
          {job.state === 'done' ? 'Merge finished' : job.state === 'cancelled' ? 'Merge cancelled — the store is consistent; run it again to finish' : `Merge failed: ${job.error?.message ?? 'unknown error'}`}
        </strong>
        {result && (
          <p>
            {formatCount(result.chunks)} origin chunks ({formatBytes(result.bytes)}) now hold the snapshot&apos;s data.
          </p>
        )}
        <p>
          Exceptions in the store: {formatCount(before.exceptions)} → {formatCount(after.exceptions)}; snapshots: {before.snapshots.length} → {after.snapshots.length}; free chunks:{' '}
          {formatCount(before.usage.freeChunks)} → {formatCount(after.usage.freeChunks)}.
        </p>
        {result?.summary.map((line) => (
          <p key={line} className="muted">
            {line}
          </p>
        ))}
      </div>
    </div>
  );
}
