import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';
import { timeOfDay } from '../../viz/format.ts';

const STATUS_COLORS = { running: 'var(--accent)', ok: 'var(--ok)', error: 'var(--danger)', cancelled: 'var(--warn)' } as const;

/** Every operation and job of this window, newest first, with its result. */
export function ActivityView() {
  const activity = useApp((s) => s.activity);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Activity</h1>
        <p>Every operation and job, with its result.</p>
      </div>
      <Card>
        {activity.length === 0 ? (
          <p className="empty">Nothing yet. Opening a store, snapshot changes and merges are logged here.</p>
        ) : (
          <ol style={{ listStyle: 'none', margin: 0, padding: 0 }} aria-label="Activity log">
            {activity.map((e) => (
              <li key={e.id} className="log-entry" data-status={e.status} data-kind={e.kind}>
                <time className="muted mono" dateTime={new Date(e.at).toISOString()}>
                  {timeOfDay(e.at)}
                </time>
                <span className="dot" style={{ background: STATUS_COLORS[e.status] }} aria-label={e.status} role="img" />
                <span>
                  {e.label}
                  {e.detail && <div className="muted" style={{ fontSize: 12.5 }}>{e.detail}</div>}
                </span>
                <span className="badge">{e.kind === 'job' ? `job · ${e.status}` : e.status}</span>
              </li>
            ))}
          </ol>
        )}
      </Card>
    </div>
  );
}
