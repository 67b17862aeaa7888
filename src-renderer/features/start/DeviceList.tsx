import type { BlockDeviceDto } from '../../../src-core/api/contract.ts';
import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';
import { DataTable, type Column } from '../../ui/DataTable.tsx';
import { formatBytes } from '../../viz/format.ts';

/** Block devices and image files the host sees: size, the format read from their magic, and who else uses them. */
export function DeviceList() {
  const devices = useApp((s) => s.devices);
  const opening = useApp((s) => s.opening !== null);
  const openStore = useApp((s) => s.openStore);
  const refresh = useApp((s) => s.refreshDevices);
  if (!devices) return <Card title="Devices and images">{<p className="empty">Looking for devices…</p>}</Card>;
  // An origin image beside a COW image: the unformatted image of the same directory.
  const originFor = (cow: string): string | undefined => devices.images.find((i) => i.format === 'unknown' && i.path !== cow)?.path;
  return (
    <Card
      title="Devices and images"
      labelledBy="devices-title"
      actions={
        <>
          <span className="muted mono" style={{ fontSize: 12 }}>
            images in {devices.dir}
          </span>
          <button type="button" className="btn btn-sm" onClick={() => void refresh(devices.dir)}>
            Refresh
          </button>
        </>
      }
    >
      <DataTable columns={DEVICE_COLUMNS} labelledBy="devices-title" empty={devices.images.length + devices.devices.length === 0 && `No block devices or images found in ${devices.dir}.`}>
        {devices.images.map((img) => {
          const origin = originFor(img.path);
          const store = img.format === 'shared' || img.format === 'persistent';
          return (
            <tr key={img.path}>
              <td className="mono">{img.path}</td>
              <td>image</td>
              <td className="num">{formatBytes(img.sizeBytes)}</td>
              <td>
                <FormatBadge format={img.format} />
              </td>
              <td className="muted">{store ? (origin ? `origin beside it: ${origin.split('/').pop()}` : 'no origin beside it') : '—'}</td>
              <td>
                {store && (
                  <button type="button" className="btn btn-sm" disabled={opening} aria-label={`Open ${img.path}`} onClick={() => void openStore({ cow: img.path, ...(origin ? { origin } : {}) })}>
                    Open
                  </button>
                )}
              </td>
            </tr>
          );
        })}
        {devices.devices.map((d) => (
          <DeviceRow key={d.path} d={d} disabled={opening} onOpen={() => void openStore({ cow: d.path })} />
        ))}
      </DataTable>
    </Card>
  );
}

/** The columns of every device table: this machine's and each remote host's. */
export const DEVICE_COLUMNS: readonly Column[] = [{ label: 'Path' }, { label: 'Kind' }, { label: 'Size', num: true }, { label: 'Format' }, { label: 'State' }, { label: 'Actions', hidden: true }];

/** One block device; a store on it gets an Open button. */
export function DeviceRow({ d, disabled, onOpen }: { d: BlockDeviceDto; disabled: boolean; onOpen: () => void }) {
  return (
    <tr>
      <td className="mono">
        {d.path}
        {d.dmName && <span className="muted"> ({d.dmName})</span>}
      </td>
      <td>
        {d.type}
        {d.model && <span className="muted"> · {d.model}</span>}
      </td>
      <td className="num">{formatBytes(d.sizeBytes)}</td>
      <td>
        <FormatBadge format={d.format} />
      </td>
      <td>
        <DeviceState d={d} />
      </td>
      <td>
        {(d.format === 'shared' || d.format === 'persistent') && (
          <button type="button" className="btn btn-sm" disabled={disabled} aria-label={`Open ${d.host ? `${d.host}:` : ''}${d.path}`} onClick={onOpen}>
            Open
          </button>
        )}
      </td>
    </tr>
  );
}

/** In use (writes refused, naming who), read-only, or needing the privileged helper to read. */
function DeviceState({ d }: { d: BlockDeviceDto }) {
  const badges = [
    d.inUse && <span key="use" className="badge warn" title="Writes are refused while the system uses it">in use: {d.inUse}</span>,
    d.readOnly && <span key="ro" className="badge">read-only</span>,
    !d.readable && !d.host && <span key="priv" className="badge" title="Opened through the privileged helper">needs privileges</span>,
    d.holders.length > 0 && <span key="hold" className="badge">held by {d.holders.join(', ')}</span>,
  ].filter(Boolean);
  return badges.length ? <span className="row" style={{ gap: 4 }}>{badges}</span> : <span className="muted">not in use</span>;
}

function FormatBadge({ format }: { format: string }) {
  const cls = format === 'shared' || format === 'persistent' ? 'accent' : format === 'unreadable' ? 'warn' : '';
  const text = format === 'unknown' ? 'no store' : format === 'unreadable' ? 'not readable' : format;
  return <span className={`badge ${cls}`}>{text}</span>;
}
