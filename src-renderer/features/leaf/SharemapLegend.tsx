import { SHARED_COLOR } from '../../viz/sharemap-painter.ts';

/** What every mark and state of the sharemap means (snapshot colours: the snapshot legend above it). */
export function SharemapLegend() {
  return (
    <div className="legend" aria-label="Sharemap key">
      <span className="legend-item">
        <span className="swatch" style={{ background: 'linear-gradient(90deg, #4e79a7 50%, #e15759 50%)' }} />
        a copy only that snapshot reads (its colour)
      </span>
      <span className="legend-item">
        <span className="swatch" style={{ background: SHARED_COLOR }} />
        one copy several snapshots share (joined by a line over the cells)
      </span>
      <span className="legend-item">
        <span className="swatch" style={{ background: 'var(--free)' }} />
        reads the origin (no exception)
      </span>
      <span className="legend-item">▸ the origin chunk you came for</span>
    </div>
  );
}
