import { useApp } from '../../app/store-context.tsx';
import { formatCount } from '../../viz/format.ts';

/** The open in flight: its phase ('open', then 'scan' for a persistent table) and a way out. */
export function OpenProgress() {
  const opening = useApp((s) => s.opening);
  const job = useApp((s) => (s.opening?.job ? s.jobs[s.opening.job] : undefined));
  const cancelOpen = useApp((s) => s.cancelOpen);
  if (!opening) return null;
  const p = job?.progress;
  const pct = p && p.total > 0 ? Math.min(100, (p.done / p.total) * 100) : null;
  return (
    <section className="card open-progress" aria-labelledby="opening-title" aria-busy="true">
      <div className="row">
        <div style={{ minWidth: 0, flex: 1 }}>
          <h2 id="opening-title">Opening {opening.label}</h2>
          <p className="muted" style={{ margin: '2px 0 0' }} data-testid="open-phase">
            {!job ? 'starting…' : p && p.total > 0 ? `${p.phase}: ${formatCount(p.done)} / ${formatCount(p.total)} ${p.unit}` : `${p?.phase ?? 'open'}…`}
          </p>
        </div>
        <button type="button" className="btn" disabled={!job} onClick={() => void cancelOpen()}>
          Cancel
        </button>
      </div>
      <div className={`progress${pct === null ? ' indeterminate' : ''}`} role="progressbar" aria-label="Open progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct === null ? undefined : Math.round(pct)}>
        <div style={{ width: pct === null ? undefined : `${pct}%` }} />
      </div>
    </section>
  );
}
