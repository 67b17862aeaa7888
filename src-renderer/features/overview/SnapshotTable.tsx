import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SnapshotInfo } from '../../../src-core/api/contract.ts';
import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { PromptDialog } from '../../ui/PromptDialog.tsx';
import { MergeDialog } from '../merge/MergeDialog.tsx';
import { snapshotColor } from '../../viz/colors.ts';
import { formatBytes, formatCount, formatTime } from '../../viz/format.ts';

/** Snapshot slots of a shared store: its share masks are 64 bits. */
const SHARED_SLOTS = 64;

/** The first snap-N from the count up that no snapshot is named: the engine refuses a name in use. */
function freeName(snapshots: SnapshotInfo[]): string {
  const names = new Set(snapshots.map((s) => s.name));
  let n = snapshots.length + 1;
  while (names.has(`snap-${n}`)) n++;
  return `snap-${n}`;
}

type Dialog = { kind: 'create' } | { kind: 'rename' | 'delete' | 'merge'; snap: SnapshotInfo } | null;

export function SnapshotTable() {
  const info = useApp((s) => s.info);
  const writable = useApp((s) => s.session?.write ?? false);
  const hasOrigin = useApp((s) => s.session?.origin != null);
  const { createSnapshot, renameSnapshot, deleteSnapshot, navigate } = useApp(
    useShallow((s) => ({ createSnapshot: s.createSnapshot, renameSnapshot: s.renameSnapshot, deleteSnapshot: s.deleteSnapshot, navigate: s.navigate })),
  );
  const [dialog, setDialog] = useState<Dialog>(null);
  if (!info) return null;
  const close = (): void => setDialog(null);
  const label = (s: SnapshotInfo): string => `'${s.name || `slot ${s.slot}`}'`;
  const full = info.snapshots.length >= SHARED_SLOTS;
  // A persistent store's one snapshot reads every exception: unique would be all, shared none.
  const shared = info.format === 'shared';
  const createWhy = !writable ? 'The store is open read-only' : full ? `All ${SHARED_SLOTS} snapshot slots are taken: delete or merge a snapshot first` : undefined;
  const why = writable ? (hasOrigin ? undefined : 'Needs the origin: open the store with its origin') : 'The store is open read-only';
  return (
    <Card
      title="Snapshots"
      labelledBy="snapshots-title"
      actions={
        info.format === 'shared' && (
          <button type="button" className="btn btn-primary btn-sm" disabled={createWhy !== undefined} title={createWhy} onClick={() => setDialog({ kind: 'create' })}>
            Create snapshot
          </button>
        )
      }
    >
      <div className="table-wrap">
        <table className="data" aria-labelledby="snapshots-title">
          <thead>
            <tr>
              <th>Slot</th>
              <th className="sticky-start">Name</th>
              <th className="num">Exceptions</th>
              {shared && <th className="num">Unique</th>}
              {shared && <th className="num">Shared</th>}
              <th className="num">Bytes</th>
              <th>Created (UTC)</th>
              <th>UUID</th>
              <th className="sticky-end">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {info.snapshots.map((s) => (
              <tr key={s.slot} data-slot={s.slot}>
                <td>
                  <span className="row" style={{ gap: 6, flexWrap: 'nowrap' }}>
                    <span className="swatch" style={{ background: snapshotColor(s.slot) }} />
                    {s.slot}
                  </span>
                </td>
                <td className="sticky-start">
                  {s.name ? (
                    <span className="elide name-cell" data-name title={s.name}>
                      {s.name}
                    </span>
                  ) : (
                    <span className="muted">(unnamed)</span>
                  )}
                  {s.damaged && (
                    <span className="badge bad" style={{ marginLeft: 6 }} title="Blocks that may hold this snapshot's exceptions are damaged: its counts are what could be proven" data-testid="snap-damaged">
                      damaged
                    </span>
                  )}
                  {s.lost !== undefined && (
                    <span className="badge bad" style={{ marginLeft: 6 }} title="A repair could not recover all of its chunks: reads and merges need --forensic" data-testid="snap-lost">
                      {s.lost === 0xffffffff ? 'lost chunks' : `${formatCount(s.lost)} chunks lost`}
                    </span>
                  )}
                </td>
                <td className="num">{formatCount(s.exceptions)}</td>
                {shared && <td className="num">{formatCount(s.unique)}</td>}
                {shared && <td className="num">{formatCount(s.shared)}</td>}
                <td className="num">{formatBytes(s.bytes)}</td>
                <td>{formatTime(s.created)}</td>
                <td className="mono muted" title={s.uuid || 'The format keeps no UUID'}>
                  {s.uuid ? (
                    <>
                      {/* Cut to its first group on screen; a screen reader hears it whole. */}
                      <span aria-hidden="true">{`${s.uuid.slice(0, 8)}…`}</span>
                      <span className="sr-only">{s.uuid}</span>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td className="sticky-end">
                  <span className="row" style={{ flexWrap: 'nowrap', gap: 4 }}>
                    {info.format === 'shared' && (
                      <button type="button" className="btn btn-sm" disabled={!writable} aria-label={`Rename snapshot ${s.name}`} onClick={() => setDialog({ kind: 'rename', snap: s })}>
                        Rename
                      </button>
                    )}
                    <button type="button" className="btn btn-sm" disabled={why !== undefined} title={why} aria-label={`Merge snapshot ${s.name}`} onClick={() => setDialog({ kind: 'merge', snap: s })}>
                      Merge
                    </button>
                    {info.format === 'shared' && (
                      <button type="button" className="btn btn-sm btn-danger" disabled={!writable} aria-label={`Delete snapshot ${s.name}`} onClick={() => setDialog({ kind: 'delete', snap: s })}>
                        Delete
                      </button>
                    )}
                  </span>
                </td>
              </tr>
            ))}
            {info.snapshots.length === 0 && (
              <tr>
                <td colSpan={9} className="empty">
                  No snapshots yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {!writable && <p className="muted" style={{ margin: '10px 0 0' }}>Open the store for writing (top bar) to create, rename, delete or merge snapshots.</p>}
      {dialog?.kind === 'create' && (
        <PromptDialog title="Create a snapshot" label="Name" initial={freeName(info.snapshots)} confirmLabel="Create" onClose={close} onSubmit={createSnapshot} />
      )}
      {dialog?.kind === 'rename' && (
        <PromptDialog title={`Rename snapshot ${label(dialog.snap)}`} label="New name" initial={dialog.snap.name} confirmLabel="Rename" onClose={close} onSubmit={(name) => renameSnapshot(dialog.snap.slot, name)} />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog title={`Delete snapshot ${label(dialog.snap)}?`} confirmLabel="Delete snapshot" danger onClose={close} onConfirm={() => deleteSnapshot(dialog.snap.slot, label(dialog.snap))}>
          <p style={{ margin: 0 }}>
            Snapshot {label(dialog.snap)} (slot {dialog.snap.slot}) and its view of the origin will be lost: {formatCount(dialog.snap.unique)} chunks only it reads (
            {formatBytes(dialog.snap.unique * info.chunkBytes)}) are freed; {formatCount(dialog.snap.shared)} shared chunks stay for the other snapshots. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
      {dialog?.kind === 'merge' && <MergeDialog snap={dialog.snap} onClose={close} onStarted={() => navigate('merge')} />}
    </Card>
  );
}
