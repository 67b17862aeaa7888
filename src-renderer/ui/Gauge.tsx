import { formatPercent } from '../viz/format.ts';

export interface GaugePart {
  label: string;
  value: number;
  color: string;
}

/** A stacked bar of parts of a whole (in order, keyed by position: labels may repeat), with its legend; the bar carries the figures for screen readers. */
export function Gauge({ parts, total, label }: { parts: readonly GaugePart[]; total: number; label: string }) {
  const text = parts.map((p) => `${p.label} ${formatPercent(p.value, total)}`).join(', ');
  return (
    <div>
      <div className="gauge" role="img" aria-label={`${label}: ${text}`}>
        {parts.map((p, i) => (
          <span key={i} style={{ width: `${(p.value / Math.max(total, 1)) * 100}%`, background: p.color }} />
        ))}
      </div>
      <div className="legend" style={{ marginTop: 8 }}>
        {parts.map((p, i) => (
          <span key={i} className="legend-item">
            <span className="swatch" style={{ background: p.color }} />
            {p.label} {formatPercent(p.value, total)}
          </span>
        ))}
      </div>
    </div>
  );
}
