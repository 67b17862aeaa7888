import { useEffect } from 'react';
import { useApp } from '../../app/store-context.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { ROLE_COLORS, snapshotColor } from '../../viz/colors.ts';
import { formatCount } from '../../viz/format.ts';

/**
 * The persistent layout: header, then (metadata area, its data chunks) repeated. Each area is a
 * bar: a metadata cap, and its data run filled as far as the area's entries go.
 */
export function AreaMap() {
  const areas = useApp((s) => s.areas);
  const loadAreas = useApp((s) => s.loadAreas);
  const error = useApp((s) => s.areasError);
  const revision = useApp((s) => s.revision);
  useEffect(() => {
    void loadAreas();
  }, [loadAreas, revision]);
  if (error) return <ErrorAlert error={error} title="The metadata areas could not be read" onRetry={() => void loadAreas()} />;
  if (!areas) return <p className="empty">Reading the areas…</p>;
  const shown = areas.areas.slice(0, 64);
  return (
    <div>
      <div className="area-strip" role="list" aria-label="Metadata areas">
        <span className="area-cap" style={{ background: ROLE_COLORS.header }} title="header (chunk 0)" role="listitem" aria-label="header, chunk 0" />
        {shown.map((a) => (
          <span
            key={a.index}
            role="listitem"
            className="area"
            aria-label={`area ${a.index}: metadata chunk ${a.chunk}, ${a.entries} of ${a.capacity} entries, data chunks ${a.firstData}–${a.endData - 1}`}
            title={`area ${a.index}: metadata chunk ${a.chunk}, ${a.entries}/${a.capacity} entries`}
          >
            <span className="area-cap" style={{ background: ROLE_COLORS['metadata-area'] }} />
            <span className="area-data">
              <span style={{ width: `${(a.entries / Math.max(a.capacity, 1)) * 100}%`, background: snapshotColor(0) }} />
            </span>
          </span>
        ))}
      </div>
      <p className="muted" style={{ margin: '8px 0 0', fontSize: 12.5 }}>
        {formatCount(areas.areas.length)} area{areas.areas.length === 1 ? '' : 's'} of {formatCount(areas.exceptionsPerArea)} exceptions each
        {areas.areas.length > shown.length ? ` (first ${shown.length} shown)` : ''}.
      </p>
    </div>
  );
}
