import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';
import { formatDateTime } from '../../viz/format.ts';

export function RecentList() {
  const recent = useApp((s) => s.recent);
  const openStore = useApp((s) => s.openStore);
  const opening = useApp((s) => s.opening !== null);
  return (
    <Card title="Recent stores" labelledBy="recent-title">
      {recent.length === 0 ? (
        <p className="empty">Stores you open appear here.</p>
      ) : (
        <div className="device-list">
          {recent.slice(0, 6).map((r) => (
            <div key={r.cow} className="device">
              <div style={{ minWidth: 0 }}>
                <div className="path" title={r.cow}>
                  {r.cow}
                </div>
                <div className="muted" style={{ fontSize: 12 }}>
                  {r.format ?? 'unknown format'} · {r.origin ? `origin ${r.origin}` : 'no origin'} · {formatDateTime(r.openedAt)}
                </div>
              </div>
              <button type="button" className="btn btn-sm" disabled={opening} aria-label={`Open recent store ${r.cow}`} onClick={() => void openStore({ cow: r.cow, ...(r.origin ? { origin: r.origin } : {}) })}>
                Open
              </button>
            </div>
          ))}
        </div>
      )}
    </Card>
  );
}
