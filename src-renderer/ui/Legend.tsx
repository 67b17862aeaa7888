import type { SnapshotInfo, StoreFormat } from '../../src-core/api/contract.ts';
import { PERSISTENT_ROLES, ROLE_COLORS, ROLE_LABELS, roleColor, SHARED_ROLES, snapshotColor } from '../viz/colors.ts';

/**
 * The one snapshot legend, used by every view: a swatch per snapshot in its slot colour. With
 * `onPick`, items are toggle buttons that highlight that snapshot's column or cells.
 */
export function SnapshotLegend({ snapshots, picked, onPick }: { snapshots: readonly SnapshotInfo[]; picked?: number | null; onPick?: (slot: number | null) => void }) {
  return (
    <div className="legend" aria-label="Snapshot colours">
      {snapshots.map((s) => {
        const body = (
          <>
            <span className="swatch" style={{ background: snapshotColor(s.slot) }} />
            {s.name || `slot ${s.slot}`}
          </>
        );
        return (
          <span key={s.slot} className="legend-item">
            {onPick ? (
              <button type="button" aria-pressed={picked === s.slot} onClick={() => onPick(picked === s.slot ? null : s.slot)}>
                {body}
              </button>
            ) : (
              body
            )}
          </span>
        );
      })}
    </div>
  );
}

/**
 * What the colours of a COW chunk mean, the same wherever chunks are drawn (occupancy maps, the
 * areas strip, the usage gauge): metadata roles, then exception data by snapshot — one
 * snapshot's only copy in that snapshot's colour, a copy several share in brown — then free.
 */
export function ChunkLegend({ format, snapshots }: { format: StoreFormat; snapshots: readonly SnapshotInfo[] }) {
  const roles = format === 'persistent' ? PERSISTENT_ROLES : SHARED_ROLES;
  return (
    <div className="legend chunk-legend" aria-label="Chunk colours">
      {roles.map((role) => (
        <Item key={role} color={roleColor(role)} label={ROLE_LABELS[role] ?? role} />
      ))}
      <span className="legend-sep" aria-hidden="true" />
      {snapshots.map((s) => (
        <Item key={s.slot} color={snapshotColor(s.slot)} label={s.name || `slot ${s.slot}`} title={`exception data only snapshot ${s.name || s.slot} reads`} />
      ))}
      {format === 'shared' && <Item color={ROLE_COLORS.exception} label="shared" title="exception data several snapshots read (one copy)" />}
      <Item color="var(--free)" label="free" />
    </div>
  );
}

function Item({ color, label, title }: { color: string; label: string; title?: string }) {
  return (
    <span className="legend-item" title={title}>
      <span className="swatch" style={{ background: color }} />
      {label}
    </span>
  );
}
