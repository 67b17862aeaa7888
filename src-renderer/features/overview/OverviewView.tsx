import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { Gauge } from '../../ui/Gauge.tsx';
import { Stat } from '../../ui/Stat.tsx';
import type { StoreInfo } from '../../../src-core/api/contract.ts';
import type { GaugePart } from '../../ui/Gauge.tsx';
import { ROLE_COLORS, snapshotColor } from '../../viz/colors.ts';
import { formatBytes, formatCount, indexLevels } from '../../viz/format.ts';
import { snapshotLabel } from '../merge/MergeDialog.tsx';
import { SnapshotTable } from './SnapshotTable.tsx';

export function OverviewView() {
  const info = useApp((s) => s.info);
  const error = useApp((s) => s.infoError);
  const refresh = useApp((s) => s.refreshInfo);
  const navigate = useApp((s) => s.navigate);
  if (!info) return error ? <ErrorAlert error={error} onRetry={() => void refresh()} /> : <p className="empty">Loading…</p>;
  const u = info.usage;
  const merging = info.merge ? mergeFigures(info) : null;
  return (
    <div className="page">
      <div className="page-head">
        <h1>Overview</h1>
        <p>
          {info.format === 'shared' ? 'Shared exception store: many snapshots, one B-tree of exceptions.' : "The kernel's persistent exception store: one snapshot, a table of exceptions."}
        </p>
      </div>
      {error && <ErrorAlert error={error} onRetry={() => void refresh()} />}
      {!info.valid && (
        <div className="alert error" role="alert" data-testid="ov-invalid">
          <div>
            <strong>This snapshot store is invalid</strong>
            <p>
              The kernel marked it invalid (valid = 0), usually because the COW overflowed: it ran out of room for a copy. The kernel would fail every read of the snapshot with an
              I/O error, refuse to merge it, and leave the origin as it is. snapscope opens it read-only: look at what it holds, run Check or Dump under Tools, or discard the COW.
            </p>
          </div>
        </div>
      )}
      {info.damage && (
        <div className="alert error" role="alert" data-testid="ov-damaged">
          <div>
            <strong>The metadata of this store is damaged</strong>
            {/truncated/.test(info.damage.first) && <p>The file is shorter than the store it holds (truncated or cut while copying).</p>}
            <p>
              Opening it found {formatCount(info.damage.errors)} error{info.damage.errors === 1 ? '' : 's'} and {formatCount(info.damage.warnings)} warning
              {info.damage.warnings === 1 ? '' : 's'}, so it is open read-only and every write is refused. The header, usage and snapshots below are what could be read; the
              counts are what could be proven, and a read fails where a mapping cannot be. In Tools, run Check to see every finding, and Repair to write a repaired copy to a
              new file.
            </p>
            <p className="mono">First problem: {info.damage.first}</p>
            <button type="button" className="btn btn-sm" onClick={() => navigate('tools')}>
              Open Tools
            </button>
          </div>
        </div>
      )}
      {merging && (
        <div className="alert warn" role="status" data-testid="ov-merge">
          <div>
            <strong>Merge of &apos;{merging.name}&apos; into the origin in progress</strong>
            <p>
              {merging.progress}. The origin is partly rolled back until the merge ends; until then the store refuses origin writes and other merges. Follow or resume it in the Merge view.
            </p>
            <button type="button" className="btn btn-sm" onClick={() => navigate('merge')}>
              Open Merge
            </button>
          </div>
        </div>
      )}
      {/* The engine's own damage and merge notes are for the CLI ("run snapscope check", "run merge again"): the alerts above say them here. */}
      {info.notes.filter((n) => !(info.damage && /^(tree|table) damaged/.test(n)) && !(merging && /^a merge of snapshot \d+ .* is in progress/.test(n))).map((n) => (
        <div key={n} className={`alert ${info.valid ? 'info' : 'warn'}`} role="status">
          {n}
        </div>
      ))}
      <Card title="Store" labelledBy="store-title">
        <dl className="stats" style={{ margin: 0 }}>
          <Stat label="Format" value={`${info.format} v${info.version}`} testId="ov-format" raw={info.format} />
          <Stat label="Chunk size" value={formatBytes(info.chunkBytes)} sub={`${info.chunkSectors} sector${info.chunkSectors === 1 ? '' : 's'}`} testId="ov-chunk-bytes" raw={info.chunkBytes} />
          <Stat label="Device size" value={formatBytes(info.deviceBytes)} sub={`${formatCount(info.chunkCount)} chunks`} testId="ov-device-bytes" raw={info.deviceBytes} />
          <Stat label="Valid" value={info.valid ? 'yes' : 'no'} testId="ov-valid" raw={info.valid} />
          <Stat label="Exceptions" value={formatCount(info.exceptions)} testId="ov-exceptions" raw={info.exceptions} />
          <Stat label="Snapshots" value={formatCount(info.snapshots.length)} testId="ov-snapshots" raw={info.snapshots.length} />
          {info.tree && (
            <>
              <Stat
                label="Tree levels"
                value={info.tree.levels}
                sub={`${indexLevels(info.tree.levels)}; depth ${info.tree.levels + 1} with them`}
                testId="ov-tree-levels"
                raw={info.tree.levels}
              />
              <Stat label="Tree blocks" value={formatCount(info.tree.nodes + info.tree.leaves)} sub={`${formatCount(info.tree.nodes)} node${info.tree.nodes === 1 ? '' : 's'}, ${formatCount(info.tree.leaves)} lea${info.tree.leaves === 1 ? 'f' : 'ves'}`} testId="ov-tree-leaves" raw={info.tree.leaves} />
            </>
          )}
          {merging && <Stat label="Merging" value={`'${merging.name}'`} sub={merging.chunks} testId="ov-merging" />}
        </dl>
      </Card>
      <Card title="Usage" labelledBy="usage-title" actions={<span className="muted">{formatCount(u.allocatedChunks)} of {formatCount(u.totalChunks)} chunks allocated</span>}>
        <Gauge label="COW usage" total={u.totalChunks} parts={usageParts(info)} />
        <dl className="stats" style={{ margin: '14px 0 0' }}>
          <Stat label="Allocated" value={chunks(u.allocatedChunks)} sub={formatBytes(u.allocatedChunks * info.chunkBytes)} testId="ov-allocated" raw={u.allocatedChunks} />
          <Stat label="Metadata" value={chunks(u.metadataChunks)} sub={formatBytes(u.metadataChunks * info.chunkBytes)} testId="ov-metadata" raw={u.metadataChunks} />
          <Stat label="Data" value={chunks(u.dataChunks)} sub={formatBytes(u.dataChunks * info.chunkBytes)} testId="ov-data" raw={u.dataChunks} />
          <Stat label="Free" value={chunks(u.freeChunks)} sub={formatBytes(u.freeChunks * info.chunkBytes)} testId="ov-free" raw={u.freeChunks} />
          {info.kernelStatus && (
            <Stat
              label="dmsetup status"
              value={
                <>
                  {/* The total small, as a unit: "5,672 / 8,192" in large type broke after the slash at 1280 px. */}
                  {formatCount(info.kernelStatus.allocatedSectors)}
                  <span className="unit">{` / ${formatCount(info.kernelStatus.totalSectors)} sectors`}</span>
                </>
              }
              sub={`${formatCount(info.kernelStatus.metadataSectors)} of them metadata`}
              testId="ov-kernel-status"
            />
          )}
        </dl>
      </Card>
      <SnapshotTable />
    </div>
  );
}

/** A count of chunks with its unit, the unit set small. */
function chunks(n: number) {
  return (
    <>
      {formatCount(n)} <span className="unit">chunks</span>
    </>
  );
}

/**
 * Allocated chunks in the colours of the occupancy map: metadata, each snapshot's own copies,
 * copies several snapshots share, free.
 */
function usageParts(info: StoreInfo): GaugePart[] {
  const u = info.usage;
  const own = info.snapshots.map((s) => ({ label: s.name || `slot ${s.slot}`, value: info.format === 'persistent' ? u.dataChunks : s.unique, color: snapshotColor(s.slot) }));
  const shared = Math.max(0, u.dataChunks - own.reduce((sum, p) => sum + p.value, 0));
  return [
    { label: 'metadata', value: u.metadataChunks, color: ROLE_COLORS.node },
    ...own,
    ...(info.format === 'shared' ? [{ label: 'shared', value: shared, color: ROLE_COLORS.exception }] : []),
    { label: 'free', value: u.freeChunks, color: 'var(--free)' },
  ];
}

/** The merge the store records, in words: the snapshot's name and how far it got. */
function mergeFigures(info: StoreInfo): { name: string; chunks: string; progress: string } {
  const { slot, done, total } = info.merge!;
  const snap = info.snapshots.find((s) => s.slot === slot);
  const chunks = done !== null && total !== null ? `${formatCount(done)} of ${formatCount(total)} chunks` : null;
  return {
    name: snap ? snapshotLabel(snap) : `slot ${slot}`,
    chunks: chunks ?? '',
    progress: chunks ? `${chunks} merged` : 'How far it got is not recorded',
  };
}
