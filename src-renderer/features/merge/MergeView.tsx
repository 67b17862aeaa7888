import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { JobState, SnapshotInfo } from '../../../src-core/api/contract.ts';
import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { ChunkLegend } from '../../ui/Legend.tsx';
import { snapshotColor } from '../../viz/colors.ts';
import { formatBytes, formatCount } from '../../viz/format.ts';
import { OccupancyMap } from '../occupancy/OccupancyMap.tsx';
import { ExceptionTable } from '../persistent/ExceptionTable.tsx';
import { MergeDialog, snapshotLabel } from './MergeDialog.tsx';
import { MergeProgress } from './MergeProgress.tsx';
import { MergeSummary } from './MergeSummary.tsx';

export function MergeView() {
  const { info, session, merge, mergeError } = useApp(useShallow((s) => ({ info: s.info, session: s.session, merge: s.merge, mergeError: s.mergeError })));
  const state = useApp((s) => (s.merge ? s.jobs[s.merge.job]?.state : undefined));
  const canPause = useApp((s) => (s.merge ? (s.jobs[s.merge.job]?.canPause ?? false) : false));
  const { startMerge, controlJob, clearMerge, reattachMerge } = useApp(
    useShallow((s) => ({ startMerge: s.startMerge, controlJob: s.controlJob, clearMerge: s.clearMerge, reattachMerge: s.reattachMerge })),
  );
  const [slot, setSlot] = useState<number | null>(null);
  const [confirm, setConfirm] = useState(false);
  // Whether the host was asked for a merge job still running for this session: until it answers,
  // a recorded merge may be that job, and its Resume would only fail as busy.
  const [looked, setLooked] = useState<string | null>(null);
  const sessionId = session?.session ?? null;
  // A job does not name its snapshot; the record on disk does once the first batch starts.
  const recordedName = info?.merge ? nameOf(info.snapshots, info.merge.slot) : 'the snapshot';
  useEffect(() => {
    if (!sessionId || merge) return;
    let live = true;
    void reattachMerge(recordedName).then(() => live && setLooked(sessionId));
    return () => {
      live = false;
    };
    // Asked once per session (not per name or merge change): a recorded merge seen later comes
    // from a job this window already knows, or from a cancel.
  }, [sessionId, reattachMerge]);
  if (!info || !session) return null;
  const snapshots = info.snapshots;
  const chosen = snapshots.find((s) => s.slot === (slot ?? snapshots[0]?.slot));
  const running = state === 'running' || state === 'paused';
  const recorded = info.merge;
  const recordedSnap = recorded ? snapshots.find((s) => s.slot === recorded.slot) : undefined;
  const blocked = !session.write ? 'Open the store for writing (top bar) to merge.' : !session.origin ? 'A merge writes the origin: open the store together with its origin.' : null;
  // Until the host has said whether a merge job runs, a recorded merge is not shown: the view is not final.
  const asking = !merge && looked !== session.session;

  return (
    <div className="page" aria-busy={asking}>
      <div className="page-head">
        <h1>Merge</h1>
        <p>
          Roll the origin back to a snapshot: its data is copied onto the origin batch by batch{info.format === 'shared' ? ', the other snapshots keep their views' : ''}, and the snapshot is
          deleted at the end. The store is consistent between batches.
        </p>
      </div>
      {mergeError && <ErrorAlert error={mergeError} title="The merge could not start" />}
      {recorded && !running && looked === session.session && (
        <RecordedMerge
          name={recordedSnap ? snapshotLabel(recordedSnap) : `slot ${recorded.slot}`}
          slot={recorded.slot}
          done={recorded.done}
          total={recorded.total}
          originUntouched={recorded.originUntouched ?? null}
          blocked={blocked}
          onResume={() => void startMerge(recorded.slot, recordedSnap ? snapshotLabel(recordedSnap) : `slot ${recorded.slot}`)}
        />
      )}
      {!merge && !recorded && (
        <Card title="Start a merge" labelledBy="merge-start">
          {blocked && <p className="muted" style={{ marginTop: 0 }}>{blocked}</p>}
          <div className="row">
            <label className="field" style={{ minWidth: 260 }}>
              Snapshot
              <select className="input" value={chosen?.slot ?? ''} onChange={(e) => setSlot(Number(e.target.value))} disabled={snapshots.length === 0}>
                {snapshots.map((s) => (
                  <option key={s.slot} value={s.slot}>
                    {snapshotLabel(s)} — {formatCount(s.exceptions)} exceptions
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
          title={runTitle(state, merge.snapshotName)}
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
              {!running && !recorded && (
                <button type="button" className="btn" onClick={clearMerge}>
                  New merge
                </button>
              )}
            </div>
          }
        >
          <MergeProgress job={merge.job} snapshotName={merge.snapshotName} />
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
            <SnapshotDrain snapshots={snapshots} chunkBytes={info.chunkBytes} merging={recorded?.slot ?? (running ? chosen?.slot : undefined)} />
          </Card>
        )}
      </div>
      {confirm && chosen && <MergeDialog snap={chosen} onClose={() => setConfirm(false)} />}
    </div>
  );
}

/**
 * The merge the store records (from its own record, after every batch and at the end). Before any
 * origin chunk moved it can be abandoned — the origin is untouched; after, only resuming leaves
 * the origin whole.
 */
function RecordedMerge({
  name,
  slot,
  done,
  total,
  originUntouched,
  blocked,
  onResume,
}: {
  name: string;
  slot: number;
  done: number | null;
  total: number | null;
  /** The record's own word that the origin was never written (a batch written but not yet counted in `done` clears it too); null: the format does not say. */
  originUntouched: boolean | null;
  blocked: string | null;
  onResume: () => void;
}) {
  const abandonMerge = useApp((s) => s.abandonMerge);
  const moved = (done !== null && done > 0) || originUntouched === false;
  const unknown = !moved && originUntouched === null;
  return (
    <div className="alert warn" role="status" data-testid="merge-recorded" style={{ marginBottom: 14 }}>
      <span className="swatch" style={{ background: snapshotColor(slot), marginTop: 3 }} />
      <div style={{ flex: 1 }}>
        <strong>
          {moved ? (
            <>Merge of &apos;{name}&apos; in progress — the origin is partly rolled back</>
          ) : unknown ? (
            <>Merge of &apos;{name}&apos; recorded, no chunk recorded as merged</>
          ) : (
            <>Merge of &apos;{name}&apos; stopped before moving any origin chunk</>
          )}
        </strong>
        <p>
          {done !== null && total !== null ? `${formatCount(done)} of ${formatCount(total)} chunks merged. ` : ''}
          {moved
            ? "Only resuming can finish it: origin chunks already hold the snapshot's data, and the origin's earlier contents are not kept anywhere."
            : unknown
              ? 'This store does not record whether the merge wrote the origin yet: abandoning it is refused if it did; resuming always finishes it.'
              : 'The origin is untouched: abandon it to clear the record (the copies made for other snapshots stay; they hold the same data), or resume it.'}{' '}
          Until then the store refuses origin writes and other merges.
        </p>
      </div>
      <div className="row" style={{ gap: 6 }}>
        {!moved && (
          <button type="button" className="btn" disabled={blocked !== null} title={blocked ?? undefined} onClick={() => void abandonMerge()}>
            Abandon merge
          </button>
        )}
        <button type="button" className="btn btn-primary" disabled={blocked !== null} title={blocked ?? undefined} onClick={onResume}>
          Resume merge
        </button>
      </div>
    </div>
  );
}

/** The run's card title by its state: it said "Merging" above "Merge finished". */
function runTitle(state: JobState | undefined, name: string): string {
  if (state === 'done') return `Merged '${name}'`;
  if (state === 'failed') return `Merge of '${name}' failed`;
  if (state === 'cancelled') return `Merge of '${name}' cancelled`;
  return `Merging '${name}'`;
}

function nameOf(snapshots: SnapshotInfo[], slot: number): string {
  const snap = snapshots.find((s) => s.slot === slot);
  return snap ? snapshotLabel(snap) : `slot ${slot}`;
}

/** The snapshots' exceptions as bars against the largest: the merged one drains as batches commit. */
function SnapshotDrain({ snapshots, chunkBytes, merging }: { snapshots: SnapshotInfo[]; chunkBytes: number; merging: number | undefined }) {
  const most = Math.max(1, ...snapshots.map((s) => s.exceptions));
  return (
    <div className="table-wrap">
      <table className="data" aria-labelledby="merge-snaps" data-testid="merge-snapshots">
        <thead>
          <tr>
            <th>Snapshot</th>
            <th className="num">Exceptions</th>
            <th className="num">Unique</th>
            <th className="num">Shared</th>
            <th style={{ width: '38%' }}>
              <span className="sr-only">Share of the largest</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {snapshots.map((s) => (
            <tr key={s.slot} data-slot={s.slot} aria-current={s.slot === merging ? 'true' : undefined}>
              <td>
                <span className="row" style={{ gap: 6, flexWrap: 'nowrap' }}>
                  <span className="swatch" style={{ background: snapshotColor(s.slot) }} />
                  {snapshotLabel(s)}
                  {s.slot === merging && <span className="badge warn">merging</span>}
                </span>
              </td>
              <td className="num" title={formatBytes(s.exceptions * chunkBytes)}>
                {formatCount(s.exceptions)}
              </td>
              <td className="num">{formatCount(s.unique)}</td>
              <td className="num">{formatCount(s.shared)}</td>
              <td>
                <div className="progress" style={{ height: 8 }} aria-hidden="true">
                  <div style={{ width: `${(s.exceptions / most) * 100}%`, background: snapshotColor(s.slot) }} />
                </div>
              </td>
            </tr>
          ))}
          {snapshots.length === 0 && (
            <tr>
              <td colSpan={5} className="empty">
                No snapshots left.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
