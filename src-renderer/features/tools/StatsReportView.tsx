import type { KernelStatus, StatsReport } from '../../../src-core/api/contract.ts';
import { Card } from '../../ui/Card.tsx';
import { PartsBar } from '../../ui/PartsBar.tsx';
import { Stat } from '../../ui/Stat.tsx';
import { ROLE_COLORS, roleColor, snapshotColor } from '../../viz/colors.ts';
import { formatBytes, formatCount, formatPercent } from '../../viz/format.ts';

/** Copies several snapshots share: the maps' brown. */
const SHARED_COLOR = ROLE_COLORS.exception;

/**
 * Statistics as `snapscope stats` prints them: per snapshot, the tree, and the sharing histogram as
 * a chart — or, for a persistent store (one snapshot, nothing shared), its metadata areas and
 * where the COW's chunks go.
 */
export function StatsReportView({ report }: { report: StatsReport }) {
  const p = report.persistent;
  return (
    <Card title="Statistics" labelledBy="stats-title">
      <dl className="stats" style={{ margin: 0 }}>
        <Stat label="Exceptions" value={formatCount(report.exceptions)} testId="stats-exceptions" raw={report.exceptions} />
        {report.tree && (
          <Stat
            label="Tree depth"
            value={report.tree.depth}
            sub={`block levels, root to leaves (${report.tree.depth - 1} index level${report.tree.depth === 2 ? '' : 's'} above the leaves)`}
            testId="stats-depth"
            raw={report.tree.depth}
          />
        )}
        {report.tree && <Stat label="Tree blocks" value={formatCount(report.tree.nodes + report.tree.leaves)} sub={`leaves ${formatPercent(report.tree.leafFill, 1)} full`} />}
        {report.bitmap && <Stat label="Free chunks" value={formatCount(report.bitmap.free)} sub={`${formatCount(report.bitmap.freeRuns)} runs, largest ${formatCount(report.bitmap.largestFreeRun)}`} />}
        {p && (
          <Stat
            label="Metadata areas"
            value={formatCount(p.areas)}
            sub={`${formatCount(p.exceptionsPerArea)} exceptions each; the last holds ${formatCount(report.exceptions - Math.max(0, p.areas - 1) * p.exceptionsPerArea)}`}
            testId="stats-areas"
            raw={p.areas}
          />
        )}
        {(report.errors > 0 || report.warnings > 0) && <Stat label="Problems met" value={`${report.errors} errors, ${report.warnings} warnings`} sub="run check for details" />}
      </dl>
      <div className="grid grid-2" style={{ marginTop: 14 }}>
        <div className="table-wrap">
          <table className="data" aria-label="Exceptions per snapshot" data-testid="stats-snapshots">
            <thead>
              <tr>
                <th>Snapshot</th>
                <th className="num">Exceptions</th>
                {!p && <th className="num">Unique</th>}
                {!p && <th className="num">Shared</th>}
                <th className="num">Bytes</th>
              </tr>
            </thead>
            <tbody>
              {report.snapshots.map((s) => (
                <tr key={s.slot} data-slot={s.slot} data-unique={s.unique} data-shared={s.shared}>
                  <td>
                    <span className="row" style={{ gap: 6, flexWrap: 'nowrap' }}>
                      <span className="swatch" style={{ background: snapshotColor(s.slot) }} />
                      {s.name || `slot ${s.slot}`}
                    </span>
                  </td>
                  <td className="num">{formatCount(s.exceptions)}</td>
                  {!p && <td className="num">{formatCount(s.unique)}</td>}
                  {!p && <td className="num">{formatCount(s.shared)}</td>}
                  <td className="num">{formatBytes(s.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {p ? <CowSpace kernel={p.kernel} chunkBytes={report.chunkBytes} /> : <SharingChart sharing={report.sharing} snapshots={report.snapshots} />}
      </div>
    </Card>
  );
}

/**
 * The COW's chunks as the kernel's status counts them: exception data, metadata, free, as one bar,
 * each part named once, under it (as the sharing chart names its bars); a screen reader hears them in the bar's name.
 */
function CowSpace({ kernel, chunkBytes }: { kernel: KernelStatus; chunkBytes: number }) {
  const perChunk = Math.max(1, chunkBytes / 512);
  const total = kernel.totalSectors / perChunk;
  const parts = [
    { key: 'data', n: (kernel.allocatedSectors - kernel.metadataSectors) / perChunk, fill: snapshotColor(0), label: 'exception data' },
    { key: 'metadata', n: kernel.metadataSectors / perChunk, fill: roleColor('metadata-area'), label: 'metadata' },
    { key: 'free', n: (kernel.totalSectors - kernel.allocatedSectors) / perChunk, fill: 'var(--free)', label: 'free' },
  ];
  return (
    <figure style={{ margin: 0 }}>
      <PartsBar
        className="cow-space"
        named
        label={`COW space: ${formatCount(parts[0]!.n)} chunks of exception data, ${formatCount(parts[1]!.n)} of metadata, ${formatCount(parts[2]!.n)} free, of ${formatCount(total)}`}
        parts={parts.map((p) => ({ key: p.key, value: p.n, color: p.fill, label: `${p.label} ${formatCount(p.n)}` }))}
      />
      <figcaption className="muted" style={{ fontSize: 12 }}>
        The COW&apos;s {formatCount(total)} chunks by use, as <code>dmsetup status</code> counts them. One snapshot reads every exception of a
        persistent store, so nothing is shared.
      </figcaption>
    </figure>
  );
}

/**
 * sharing[k]: exceptions read by exactly k snapshots, as bars (k = 1 … the largest k used), in the
 * maps' colours: the first bar stacks each snapshot's own copies in its colour, the others are the
 * shared brown.
 */
function SharingChart({ sharing, snapshots }: { sharing: number[]; snapshots: StatsReport['snapshots'] }) {
  const last = Math.max(1, sharing.reduce((m, n, k) => (n > 0 ? k : m), 0));
  const bars = sharing.slice(1, last + 1);
  const most = Math.max(1, ...bars);
  const w = 360;
  const h = 160;
  // Room above the tallest bar for its figure.
  const top = 14;
  const bw = w / bars.length;
  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${w} ${top + h + 18}`} role="img" aria-label={`Sharing histogram: ${described(bars)}`} data-testid="sharing-chart">
        {bars.map((n, i) => {
          const bh = (n / most) * h;
          return (
            <g key={i} data-k={i + 1} data-count={n}>
              {i === 0 ? (
                <OwnCopies snapshots={snapshots} x={i * bw + 2} width={Math.max(1, bw - 4)} bottom={top + h} scale={h / most} />
              ) : (
                <rect x={i * bw + 2} y={top + h - bh} width={Math.max(1, bw - 4)} height={bh} fill={SHARED_COLOR}>
                  <title>{`${formatCount(n)} exceptions read by ${i + 1} snapshots`}</title>
                </rect>
              )}
              {bars.length <= 16 && (
                <>
                  <text className="bar-value" x={i * bw + bw / 2} y={top + h - bh - 3} textAnchor="middle" fontSize="11" fill="var(--text)">
                    {formatCount(n)}
                  </text>
                  <text x={i * bw + bw / 2} y={top + h + 14} textAnchor="middle" fontSize="11" fill="var(--muted)">
                    {i + 1}
                  </text>
                </>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="muted" style={{ fontSize: 12 }}>
        Exceptions by how many snapshots read them: 1, a copy only one snapshot reads (in its colour); more, a copy they share (brown), as on the maps.
      </figcaption>
    </figure>
  );
}

/** The first bar: each snapshot's copies that only it reads, stacked from the bottom in its colour. */
function OwnCopies({ snapshots, x, width, bottom, scale }: { snapshots: StatsReport['snapshots']; x: number; width: number; bottom: number; scale: number }) {
  let y = bottom;
  return (
    <>
      {snapshots
        .filter((s) => s.unique > 0)
        .map((s) => {
          const height = s.unique * scale;
          y -= height;
          return (
            <rect key={s.slot} data-slot={s.slot} data-count={s.unique} x={x} y={y} width={width} height={height} fill={snapshotColor(s.slot)}>
              <title>{`${formatCount(s.unique)} exceptions only ${s.name || `slot ${s.slot}`} reads`}</title>
            </rect>
          );
        })}
    </>
  );
}

/** The chart for a screen reader (role img hides its marks): "247 exceptions read by 1 snapshot, 153 by 2, …", empty bars left out. */
function described(bars: number[]): string {
  const used = bars.flatMap((n, i) => (n > 0 ? [{ n, k: i + 1 }] : []));
  if (used.length === 0) return 'no exceptions';
  return used.map(({ n, k }, j) => (j === 0 ? `${formatCount(n)} exceptions read by ${k} snapshot${k === 1 ? '' : 's'}` : `${formatCount(n)} by ${k}`)).join(', ');
}
