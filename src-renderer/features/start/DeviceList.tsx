import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';
import { formatBytes } from '../../viz/format.ts';

/** Block devices and image files the host sees, with the format snapscope detects by magic. */
export function DeviceList() {
  const devices = useApp((s) => s.devices);
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
        <button type="button" className="btn btn-sm" onClick={() => void refresh(devices.dir)}>
          Refresh
        </button>
      }
    >
      <div className="table-wrap">
        <table className="data">
          <thead>
            <tr>
              <th>Path</th>
              <th>Kind</th>
              <th className="num">Size</th>
              <th>Format</th>
              <th>State</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
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
                  <td className="muted">{store && origin ? `origin: ${origin.split('/').pop()}` : '—'}</td>
                  <td>
                    {store && (
                      <button type="button" className="btn btn-sm" aria-label={`Open ${img.path}`} onClick={() => void openStore({ cow: img.path, ...(origin ? { origin } : {}) })}>
                        Open
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
            {devices.devices.map((d) => (
              <tr key={d.path}>
                <td className="mono">
                  {d.path}
                  {d.dmName && <span className="muted"> ({d.dmName})</span>}
                </td>
                <td>{d.type}</td>
                <td className="num">{formatBytes(d.sizeBytes)}</td>
                <td>
                  <FormatBadge format={d.format} />
                </td>
                <td>{d.inUse ? <span className="badge warn">{d.inUse}</span> : <span className="muted">{d.model ?? 'not in use'}</span>}</td>
                <td>
                  {(d.format === 'shared' || d.format === 'persistent') && (
                    <button type="button" className="btn btn-sm" aria-label={`Open ${d.path}`} onClick={() => void openStore({ cow: d.path })}>
                      Open
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {devices.images.length + devices.devices.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  No block devices or images found in {devices.dir}.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

function FormatBadge({ format }: { format: string }) {
  const cls = format === 'shared' || format === 'persistent' ? 'accent' : format === 'unreadable' ? 'warn' : '';
  return <span className={`badge ${cls}`}>{format === 'unknown' ? 'no store' : format}</span>;
}
