import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { THIS_HOST } from '../../../src-core/api/contract.ts';
import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';
import { DataTable } from '../../ui/DataTable.tsx';
import { DEVICE_COLUMNS, DeviceRow } from './DeviceList.tsx';

/** Every host added in the Live view, each with its block devices and stores, or why it is out of reach. */
export function HostDeviceLists() {
  // Added in this browser, or by `serve --host` (they come back in the Live view's last poll).
  const hosts = useApp(useShallow((s) => [...new Set([...s.liveHosts, ...(s.live?.hosts.map((h) => h.host).filter((h) => h !== THIS_HOST) ?? [])])]));
  const navigate = useApp((s) => s.navigate);
  const { polled, pollLive } = useApp(useShallow((s) => ({ polled: s.live !== null, pollLive: s.pollLive })));
  // `serve --host` hosts are known from a live poll: ask for one when the Live view has not yet.
  useEffect(() => {
    if (!polled) void pollLive();
  }, [polled, pollLive]);
  if (hosts.length === 0)
    return (
      <p className="muted">
        Other machines: add a host in the{' '}
        <button type="button" className="btn btn-sm" onClick={() => navigate('live')}>
          Live view
        </button>{' '}
        and its devices and stores are listed here too.
      </p>
    );
  return (
    <>
      {hosts.map((h) => (
        <HostDeviceList key={h} host={h} />
      ))}
    </>
  );
}

/** One remote host's devices, listed by its helper over ssh; a store there opens read-only through it. */
function HostDeviceList({ host }: { host: string }) {
  const listing = useApp((s) => s.hostDevices[host]);
  const refresh = useApp((s) => s.refreshHostDevices);
  const opening = useApp((s) => s.opening !== null);
  const openLive = useApp((s) => s.openLive);
  useEffect(() => {
    void refresh(host);
  }, [host, refresh]);
  const id = `host-devices-${host.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const state = !listing || listing.state === 'loading' ? 'checking…' : listing.state;
  return (
    <Card
      title={`Devices on ${host}`}
      labelledBy={id}
      actions={
        <>
          <span className={`badge ${listing?.state === 'unreachable' ? 'warn' : listing?.state === 'reachable' ? 'accent' : ''}`} role="status" aria-label={`${host}: ${state}`}>
            {state}
          </span>
          <button type="button" className="btn btn-sm" disabled={listing?.state === 'loading'} onClick={() => void refresh(host)}>
            Refresh
          </button>
        </>
      }
    >
      {listing?.state === 'unreachable' ? (
        <div className="alert error" role="alert">
          {listing.message}
        </div>
      ) : (
        <DataTable columns={DEVICE_COLUMNS} labelledBy={id} empty={listing?.state === 'reachable' && listing.devices.length === 0 && `No block devices on ${host}.`}>
          {(listing?.devices ?? []).map((d) => (
            <DeviceRow key={d.path} d={d} disabled={opening} onOpen={() => void openLive(d.path, host)} />
          ))}
        </DataTable>
      )}
    </Card>
  );
}
