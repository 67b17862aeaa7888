import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { SnapshotLegend } from '../../ui/Legend.tsx';
import { Stat } from '../../ui/Stat.tsx';
import { leafFill } from '../../viz/tree-layout.ts';
import { formatPercent } from '../../viz/format.ts';
import { LeafTable } from './LeafTable.tsx';
import { SharemapCanvas } from './SharemapCanvas.tsx';
import { SharemapLegend } from './SharemapLegend.tsx';

export function LeafView() {
  const { leafChunk, leafOrigin, detail, error, highlightSlot, snapshots, chunkBytes, revision } = useApp(
    useShallow((s) => ({
      leafChunk: s.leafChunk,
      leafOrigin: s.leafOrigin,
      detail: s.leafDetail,
      error: s.leafError,
      highlightSlot: s.highlightSlot,
      snapshots: s.info?.snapshots ?? [],
      chunkBytes: s.info?.chunkBytes ?? 0,
      revision: s.revision,
    })),
  );
  const { refreshLeaf, setHighlightSlot, openLeafOf, openLeaf } = useApp(
    useShallow((s) => ({ refreshLeaf: s.refreshLeaf, setHighlightSlot: s.setHighlightSlot, openLeafOf: s.openLeafOf, openLeaf: s.openLeaf })),
  );
  // The B-tree's last search, offered while no leaf is shown.
  const searched = useApp((s) => s.searchPath);
  useEffect(() => {
    void refreshLeaf();
  }, [refreshLeaf, revision]);
  const names = useMemo(() => new Map(snapshots.map((s) => [s.slot, s.name])), [snapshots]);
  const shown = snapshots.filter((s) => detail?.slots.includes(s.slot));

  return (
    <div className="page">
      <div className="page-head">
        <h1>Leaf inspector{leafChunk !== null ? ` · leaf ${leafChunk}` : ''}</h1>
        <p>Which exception each snapshot reads for the origin chunks of one leaf.</p>
      </div>
      <LeafPicker onOrigin={openLeafOf} />
      {error && <ErrorAlert error={error} onRetry={() => void refreshLeaf()} />}
      {leafChunk === null && (
        <div className="empty">
          <p style={{ margin: 0 }}>Pick a leaf in the B-tree or an exception chunk on the occupancy map, or find the leaf of an origin chunk above.</p>
          {searched && (
            <button type="button" className="btn btn-primary" style={{ marginTop: 12 }} onClick={() => void openLeaf(searched.leaf, searched.key)}>
              Show leaf {searched.leaf}, which holds origin chunk {searched.key} (your B-tree search)
            </button>
          )}
        </div>
      )}
      {detail && leafOrigin !== null && !detail.leaf.entries.some((e) => e.origin === leafOrigin) && (
        <p className="muted" data-testid="leaf-origin-absent">
          Origin chunk {leafOrigin} has no exception: every snapshot reads it from the origin. This is the leaf that would map it.
        </p>
      )}
      {detail && (
        <>
          <Card title="Leaf" labelledBy="leaf-title">
            <dl className="stats" style={{ margin: 0 }}>
              <Stat label="Chunk" value={detail.leaf.chunk} />
              <Stat label="Base origin chunk" value={detail.leaf.base} />
              <Stat label="Origin chunks mapped" value={detail.leaf.count} testId="leaf-count" raw={detail.leaf.count} />
              <Stat label="Fill" value={formatPercent(leafFill(detail.leaf.freeBytes, chunkBytes), 1)} sub={`${detail.leaf.freeBytes} B free`} />
              <Stat label="Using mask" value={<span className="mono">{detail.leaf.using}</span>} />
            </dl>
          </Card>
          {/* Many snapshots: the sharemap takes the whole width, the map goes below it. */}
          <div className={detail.slots.length > 12 ? 'grid' : 'grid grid-2'}>
            <Card title="Sharemap" labelledBy="sharemap-title">
              <div style={{ marginBottom: 8 }}>
                <SharemapLegend />
              </div>
              <div style={{ marginBottom: 10 }}>
                <SnapshotLegend snapshots={shown} picked={highlightSlot} onPick={setHighlightSlot} />
              </div>
              <SharemapCanvas detail={detail} highlightSlot={highlightSlot} focusOrigin={leafOrigin} names={names} onPick={setHighlightSlot} />
            </Card>
            <Card title="Map" labelledBy="map-title">
              <LeafTable detail={detail} names={names} focusOrigin={leafOrigin} />
            </Card>
          </div>
        </>
      )}
    </div>
  );
}

function LeafPicker({ onOrigin }: { onOrigin: (key: number) => Promise<void> }) {
  const [value, setValue] = useState('');
  const key = Number(value);
  const ok = value.trim() !== '' && Number.isInteger(key) && key >= 0;
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        if (ok) void onOrigin(key);
      }}
    >
      <input className="input mono" aria-label="Origin chunk to inspect" placeholder="origin chunk" value={value} onChange={(e) => setValue(e.target.value)} />
      <button type="submit" className="btn" disabled={!ok}>
        Show its leaf
      </button>
    </form>
  );
}
