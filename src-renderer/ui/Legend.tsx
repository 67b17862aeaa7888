import type { SnapshotInfo, StoreFormat } from '../../src-core/api/contract.ts';
import { PERSISTENT_ROLES, ROLE_COLORS, ROLE_LABELS, roleColor, SHARED_ROLES, snapshotColor } from '../viz/colors.ts';
import { classColor } from '../viz/chunk-class.ts';
import { formatCount } from '../viz/format.ts';
import { LegendFold } from './LegendFold.tsx';

/**
 * The one snapshot legend, used by every view: a swatch per snapshot in its slot colour. With
 * `onPick`, items are toggle buttons that highlight that snapshot's column or cells. Many
 * snapshots fold to three lines.
 */
export function SnapshotLegend({ snapshots, picked, onPick }: { snapshots: readonly SnapshotInfo[]; picked?: number | null; onPick?: (slot: number | null) => void }) {
  return (
    <LegendFold label="Snapshot colours" noun="snapshots" total={snapshots.length}>
      {snapshots.map((s) => {
        const body = (
          <>
            <span className="swatch" style={{ background: snapshotColor(s.slot) }} />
            <LegendName name={s.name || `slot ${s.slot}`} />
          </>
        );
        return (
          <span key={s.slot} className="legend-item" data-fold>
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
    </LegendFold>
  );
}

/**
 * What the colours of a COW chunk mean, the same wherever chunks are drawn (occupancy maps, the
 * areas strip, the usage gauge): metadata roles, a copy several snapshots share (brown) and free,
 * then exception data by snapshot — one snapshot's only copy in that snapshot's colour. `leaked`
 * (a shared store's, once known) keys the grey of data no snapshot reads, with its count. Many
 * snapshots fold to three lines; what is not a snapshot stays in the first.
 */
export function ChunkLegend({ format, snapshots, leaked = null }: { format: StoreFormat; snapshots: readonly SnapshotInfo[]; leaked?: number | null }) {
  const roles = format === 'persistent' ? PERSISTENT_ROLES : SHARED_ROLES;
  return (
    <LegendFold label="Chunk colours" noun="snapshots" total={snapshots.length} className="chunk-legend">
      {roles.map((role) => (
        <Item key={role} color={roleColor(role)} label={ROLE_LABELS[role] ?? role} />
      ))}
      {format === 'shared' && <Item color={ROLE_COLORS.exception} label="shared" title="exception data several snapshots read (one copy)" />}
      <Item color="var(--free)" label="free" />
      {leaked !== null && <Item color={classColor('exception')} label={`leaked ${formatCount(leaked)}`} title="allocated in the bitmap, read by no snapshot (check warns of it; opening for writing frees it)" />}
      <span className="legend-sep" aria-hidden="true" />
      {snapshots.map((s) => (
        <Item key={s.slot} color={snapshotColor(s.slot)} label={s.name || `slot ${s.slot}`} title={`exception data only snapshot ${s.name || s.slot} reads`} snapshot />
      ))}
    </LegendFold>
  );
}

function Item({ color, label, title, snapshot }: { color: string; label: string; title?: string; snapshot?: boolean }) {
  return (
    <span className="legend-item" title={title} data-fold={snapshot || undefined}>
      <span className="swatch" style={{ background: color }} />
      {snapshot ? <LegendName name={label} /> : label}
    </span>
  );
}

/** A snapshot's name on one line, cut with an ellipsis where its legend is too narrow (the whole name is the title). */
function LegendName({ name }: { name: string }) {
  return (
    <span className="elide" data-name title={name}>
      {name}
    </span>
  );
}
