import { useEffect, useState } from 'react';
import type { MergeResult, SnapshotInfo } from '../../../src-core/api/contract.ts';
import { useApp, useAppStore } from '../../app/store-context.tsx';
import type { ViewError } from '../../store/errors.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { Stat } from '../../ui/Stat.tsx';
import { snapshotColor } from '../../viz/colors.ts';
import { formatBytes, formatCount } from '../../viz/format.ts';

export const snapshotLabel = (s: { name: string; slot: number }): string => s.name || `slot ${s.slot}`;

/**
 * Merging a snapshot, asked once from the Merge view and from the Overview's snapshot table: a
 * dry run first (what moves, what is copied for the other snapshots, the space it needs against
 * what is free), then what will be lost, then the merge starts as a job.
 */
export function MergeDialog({ snap, onClose, onStarted }: { snap: SnapshotInfo; onClose: () => void; onStarted?: () => void }) {
  const store = useAppStore();
  const info = useApp((s) => s.info);
  const origin = useApp((s) => s.session?.origin ?? 'the origin');
  const [plan, setPlan] = useState<MergeResult | ViewError | null>(null);
  useEffect(() => {
    let live = true;
    void store
      .getState()
      .planMerge(snap.slot)
      .then((r) => live && setPlan(r));
    return () => {
      live = false;
    };
  }, [store, snap.slot]);
  const name = snapshotLabel(snap);
  const failed = plan !== null && 'code' in plan ? plan : null;
  const facts = plan !== null && !('code' in plan) ? plan : null;
  // Only a shared store's dry run has these figures; a persistent merge needs no free space.
  const figures = facts?.plan ?? null;
  const cb = info?.chunkBytes ?? 0;
  const shared = info?.format === 'shared';
  const short = figures !== null && figures.spaceNeeded > figures.freeChunks;
  return (
    <ConfirmDialog
      title={`Merge '${name}' into the origin?`}
      confirmLabel={figures?.resumesDone != null ? 'Resume merge' : 'Start merge'}
      danger
      wide
      disabled={!facts || short}
      onClose={onClose}
      onConfirm={async () => {
        await store.getState().startMerge(snap.slot, name);
        const error = store.getState().mergeError;
        if (!error) onStarted?.();
        return error;
      }}
    >
      <div className="row" style={{ gap: 8 }}>
        <span className="swatch" style={{ background: snapshotColor(snap.slot) }} />
        <span>
          Snapshot <strong>{name}</strong> (slot {snap.slot}): {formatCount(snap.exceptions)} exceptions, {formatBytes(snap.bytes)}
        </span>
      </div>
      {plan === null && (
        <p className="muted" role="status" style={{ margin: 0 }}>
          Working out what the merge would copy (dry run, nothing changes)…
        </p>
      )}
      {failed && <ErrorAlert error={failed} title="The merge cannot run" />}
      {facts && (
        <section aria-label="Dry run" data-testid="merge-plan">
          <dl className="stats" style={{ margin: 0, gridTemplateColumns: 'repeat(auto-fill, minmax(140px, 1fr))' }}>
            <Stat label="Chunks to move" value={formatCount(facts.chunks)} sub={formatBytes(facts.chunks * cb)} testId="plan-chunks" raw={facts.chunks} />
            {figures && (
              <>
                <Stat label="Copies for other snapshots" value={formatCount(figures.copies)} sub={formatBytes(figures.copies * cb)} testId="plan-copies" raw={figures.copies} />
                <Stat label="Exceptions freed" value={formatCount(figures.frees)} sub="only this snapshot reads them" testId="plan-frees" raw={figures.frees} />
                <Stat
                  label="Space needed"
                  value={`${formatCount(figures.spaceNeeded)} chunks`}
                  sub={
                    <span style={{ color: short ? 'var(--danger)' : 'var(--ok)' }}>
                      {formatCount(figures.freeChunks)} free {short ? '— not enough' : '— enough'}
                    </span>
                  }
                  testId="plan-space"
                  raw={figures.spaceNeeded}
                />
                <Stat label="Batches" value={formatCount(figures.batches)} sub={`up to ${formatCount(figures.batchChunks)} chunks each`} testId="plan-batches" raw={figures.batches} />
              </>
            )}
          </dl>
          {figures?.resumesDone != null && (
            <p style={{ margin: '8px 0 0' }}>Continues the merge recorded on disk: {formatCount(figures.resumesDone)} chunks were merged before it stopped.</p>
          )}
          {short && <p style={{ margin: '8px 0 0', color: 'var(--danger)' }}>The COW cannot hold the copies the other snapshots need: delete a snapshot first.</p>}
        </section>
      )}
      {facts && (
        <div className="alert error" style={{ display: 'block' }}>
          <strong>What will be lost</strong>
          <ul className="loss-list">
            <li>
              The data {shared ? 'the origin holds now' : 'now on the origin'} in {formatCount(facts.chunks)} chunks ({formatBytes(facts.chunks * cb)}) will be lost: <span className="mono">{origin}</span> is
              rolled back to what snapshot &apos;{name}&apos; shows.
            </li>
            <li>Snapshot &apos;{name}&apos; itself: it is deleted once merged{shared ? ' (its slot and name are freed)' : ''}.</li>
            {shared && (
              <li className="muted">
                Every other snapshot keeps its view: {figures?.copies ? `${formatCount(figures.copies)} chunks are copied for them first` : 'none of them reads these chunks from the origin'}.
              </li>
            )}
          </ul>
        </div>
      )}
      {facts && (
        <p className="muted" style={{ margin: 0, fontSize: 13 }}>
          You can pause or cancel between batches; the store stays consistent. A stopped merge stays recorded and the origin stays partly rolled back until it is resumed.
        </p>
      )}
    </ConfirmDialog>
  );
}
