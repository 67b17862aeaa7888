import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { ChunkLegend } from '../../ui/Legend.tsx';
import { snapshotColor } from '../../viz/colors.ts';
import { formatBytes, formatCount } from '../../viz/format.ts';
import { OccupancyMap } from '../occupancy/OccupancyMap.tsx';
import { ExceptionTable } from '../persistent/ExceptionTable.tsx';
import { MergeProgress } from './MergeProgress.tsx';
import { MergeSummary } from './MergeSummary.tsx';

export function MergeView() {
  const { info, session, merge, mergeError } = useApp(useShallow((s) => ({ info: s.info, session: s.session, merge: s.merge, mergeError: s.mergeError })));
  const state = useApp((s) => (s.merge ? s.jobs[s.merge.job]?.state : undefined));
  const canPause = useApp((s) => (s.merge ? (s.jobs[s.merge.job]?.canPause ?? false) : false));
  const { startMerge, controlJob, clearMerge } = useApp(useShallow((s) => ({ startMerge: s.startMerge, controlJob: s.controlJob, clearMerge: s.clearMerge })));
  const [slot, setSlot] = useState<number | null>(null);
  const [confirm, setConfirm] = useState(false);
  if (!info || !session) return null;
  const snapshots = info.snapshots;
  const chosen = snapshots.find((s) => s.slot === (slot ?? snapshots[0]?.slot));
  const running = state === 'running' || state === 'paused';
  const blocked = !session.write ? 'Open the store for writing (top bar) to merge.' : !session.origin ? 'A merge writes the origin: open the store together with its origin.' : null;

  return (
    <div className="page">
      <div className="page-head">
        <h1>Merge</h1>
        <p>Copy a snapshot&apos;s exceptions back onto the origin, batch by batch; the store is consistent between batches.</p>
      </div>
      {mergeError && <ErrorAlert error={mergeError} title="The merge could not start" />}
      {!merge && (
        <Card title="Start a merge" labelledBy="merge-start">
          {blocked && <p className="muted" style={{ marginTop: 0 }}>{blocked}</p>}
          <div className="row">
            <label className="field" style={{ minWidth: 260 }}>
              Snapshot
              <select className="input" value={chosen?.slot ?? ''} onChange={(e) => setSlot(Number(e.target.value))} disabled={snapshots.length === 0}>
                {snapshots.map((s) => (
                  <option key={s.slot} value={s.slot}>
                    {s.name || `slot ${s.slot}`} — {formatCount(s.exceptions)} exceptions
                  </option>
                ))}
              </select>
            </label>
            {chosen && <span className="swatch" style={{ background: snapshotColor(chosen.slot), alignSelf: 'flex-end', marginBottom: 9 }} />}
            <span className="spacer" />
            <button type="button" className="btn btn-primary" disabled={!chosen || blocked !== null} onClick={() => setConfirm(true)}>
              Merge into origin…
            </button>
          </div>
        </Card>
      )}
      {merge && (
        <Card
          title={`Merging '${merge.snapshotName}'`}
          labelledBy="merge-run"
          actions={
            <div className="row" style={{ gap: 6 }}>
              {state === 'running' && canPause && (
                <button type="button" className="btn" onClick={() => void controlJob('pause', merge.job)}>
                  Pause
                </button>
              )}
              {state === 'paused' && (
                <button type="button" className="btn btn-primary" onClick={() => void controlJob('resume', merge.job)}>
                  Resume
                </button>
              )}
              {running && (
                <button type="button" className="btn btn-danger" onClick={() => void controlJob('cancel', merge.job)}>
                  Cancel
                </button>
              )}
              {!running && (
                <button type="button" className="btn" onClick={clearMerge}>
                  New merge
                </button>
              )}
            </div>
          }
        >
          <MergeProgress job={merge.job} />
          {!running && <MergeSummary />}
        </Card>
      )}
      <div className="grid grid-2">
        <Card title="Occupancy" labelledBy="merge-occ">
          <ChunkLegend format={info.format} snapshots={info.snapshots} />
          <div style={{ height: 10 }} />
          <OccupancyMap height={360} />
        </Card>
        {info.format === 'persistent' ? (
          <Card title="Exception table" labelledBy="merge-table">
            <ExceptionTable height={360} />
          </Card>
        ) : (
          <Card title="Snapshots" labelledBy="merge-snaps">
            <ul className="change-list">
              {snapshots.map((s) => (
                <li key={s.slot} style={{ borderLeftColor: snapshotColor(s.slot) }}>
                  {s.name || `slot ${s.slot}`}: {formatCount(s.exceptions)} exceptions, {formatBytes(s.bytes)}
                </li>
              ))}
            </ul>
          </Card>
        )}
      </div>
      {confirm && chosen && (
        <ConfirmDialog
          title={`Merge '${chosen.name || `slot ${chosen.slot}`}' into the origin?`}
          confirmLabel="Start merge"
          danger
          onClose={() => setConfirm(false)}
          onConfirm={async () => {
            await startMerge(chosen.slot, chosen.name || `slot ${chosen.slot}`);
            return null;
          }}
        >
          <p style={{ margin: 0 }}>
            Up to {formatCount(chosen.exceptions)} origin chunks ({formatBytes(chosen.bytes)}) of <span className="mono">{session.origin}</span> are overwritten with the
            snapshot&apos;s data; what the origin holds there now will be lost. The snapshot is gone once merged.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
