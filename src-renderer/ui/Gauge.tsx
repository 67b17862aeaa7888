import { formatPercent } from '../viz/format.ts';
import { PartsBar } from './PartsBar.tsx';

export interface GaugePart {
  label: string;
  value: number;
  color: string;
}

/** A stacked bar of parts of a whole (in order, keyed by position: labels may repeat; a small part kept visible), with its legend; the bar carries the figures for screen readers. */
export function Gauge({ parts, total, label }: { parts: readonly GaugePart[]; total: number; label: string }) {
  const text = parts.map((p) => `${p.label} ${formatPercent(p.value, total)}`).join(', ');
  return (
    <div>
      <PartsBar className="gauge" label={`${label}: ${text}`} parts={parts.map((p, i) => ({ key: String(i), value: p.value, color: p.color, label: p.label }))} total={total} />
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
