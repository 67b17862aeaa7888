import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';

/** Snapshots the system runs now (dmsetup tables, LVM): each origin with its COW, one click to open. */
export function PairList() {
  const pairs = useApp((s) => s.pairs);
  const opening = useApp((s) => s.opening !== null);
  const openStore = useApp((s) => s.openStore);
  return (
    <Card title="Snapshots on this system" labelledBy="pairs-title">
      {!pairs ? (
        <p className="empty">Asking device-mapper and LVM…</p>
      ) : pairs.pairs.length === 0 ? (
        <div className="empty-block">
          <p style={{ margin: 0 }}>No device-mapper snapshots found.</p>
          {pairs.notes.map((n) => (
            <p key={n} className="muted mono" style={{ margin: '4px 0 0', fontSize: 12 }}>
              {n}
            </p>
          ))}
        </div>
      ) : (
        <div className="device-list">
          {pairs.pairs.map((p) => (
            <div key={`${p.source}:${p.name}`} className="device">
              <div style={{ minWidth: 0 }}>
                <div className="row" style={{ gap: 6 }}>
                  <strong>{p.name}</strong>
                  <span className="badge">{p.source}</span>
                  {p.chunkSectors !== null && <span className="badge">{p.chunkSectors * 512} B chunks</span>}
                </div>
                <div className="path" title={p.cow}>
                  COW {p.cow}
                </div>
                <div className="muted mono" style={{ fontSize: 12 }} title={p.origin}>
                  origin {p.origin}
                </div>
              </div>
              <button type="button" className="btn btn-sm" disabled={opening} aria-label={`Open snapshot ${p.name}`} onClick={() => void openStore({ cow: p.cow, origin: p.origin })}>
                Open
              </button>
            </div>
          ))}
        </div>
      )}
    </Card>
  );
}
