import type { SnapshotInfo } from '../../src-core/api/contract.ts';
import { ROLE_LABELS, roleColor, snapshotColor } from '../viz/colors.ts';

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

/** Roles of COW chunks, in the colours the occupancy map paints them. */
export function RoleLegend({ roles }: { roles: readonly string[] }) {
  return (
    <div className="legend" aria-label="Chunk roles">
      {roles.map((role) => (
        <span key={role} className="legend-item">
          <span className="swatch" style={{ background: role === 'free' ? 'var(--free)' : roleColor(role) }} />
          {ROLE_LABELS[role] ?? role}
        </span>
      ))}
    </div>
  );
}
