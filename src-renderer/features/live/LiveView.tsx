import { useEffect, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { THIS_HOST, type LiveSnapshotDto } from '../../../src-core/api/contract.ts';
import { duration } from '../../../src-core/api/duration.ts';
import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';
import { DataTable, type Column } from '../../ui/DataTable.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { fleetRows } from './urgency.ts';
import { timeOfDay } from '../../viz/format.ts';

const POLL_MS = 2000;
const FLEET_COLUMNS: readonly Column[] = [
  { label: 'Host' },
  { label: 'Snapshot' },
  { label: 'State' },
  { label: 'Snap%' },
  { label: 'Fill rate' },
  { label: 'Overflow in' },
  { label: 'COW' },
  { label: 'Open', hidden: true },
];
/** What the API takes as an ssh target (schema.ts `sshTarget`): no leading '-', which ssh would read as an option. */
const HOST_PATTERN = '[A-Za-z0-9_.@:\\[\\]][A-Za-z0-9_.@:\\[\\]\\-]{0,254}';
const HOST_FORMAT = 'user@server or server: letters, digits and . _ - : @ [ ], not starting with -';

/** The fleet: every live dm snapshot on this machine and the added hosts, most urgent first (ADR 0008). */
export function LiveView() {
  const { live, error, hosts } = useApp(useShallow((s) => ({ live: s.live, error: s.liveError, hosts: s.liveHosts })));
  const { pollLive, addLiveHost, removeLiveHost, openLive } = useApp(
    useShallow((s) => ({ pollLive: s.pollLive, addLiveHost: s.addLiveHost, removeLiveHost: s.removeLiveHost, openLive: s.openLive })),
  );
  const { opening, startError } = useApp(useShallow((s) => ({ opening: s.opening, startError: s.startError })));
  const [draft, setDraft] = useState('');
  const [cowPath, setCowPath] = useState('');

  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async (): Promise<void> => {
      await pollLive();
      if (!stop) timer = setTimeout(() => void tick(), POLL_MS);
    };
    void tick();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [pollLive, hosts]);

  const add = (e: FormEvent): void => {
    e.preventDefault();
    const h = draft.trim();
    if (h && !h.startsWith('-')) addLiveHost(h);
    setDraft('');
  };
  const rows = live ? fleetRows(live.hosts) : [];

  return (
    <div className="page">
      <div className="page-head">
        <h1>Live snapshots</h1>
        <p>Every device-mapper snapshot of this machine and of the hosts you add, polled every {POLL_MS / 1000} s: how full, how fast it fills, and when it will overflow.</p>
      </div>
      {error && <ErrorAlert error={error} title="Could not list live snapshots" />}
      <Card title="Hosts" labelledBy="live-hosts-title">
        <ul aria-label="Hosts" style={{ listStyle: 'none', margin: '0 0 12px', padding: 0 }}>
          {(live?.hosts ?? []).map((h) => (
            <li key={h.host} style={{ display: 'grid', gridTemplateColumns: '220px 110px 1fr auto', gap: 10, alignItems: 'start', padding: '6px 0', borderBottom: '1px solid var(--border)' }}>
              <strong className="mono">{h.host}</strong>
              <span className={`badge ${h.state === 'ok' ? '' : 'warn'}`} style={{ justifySelf: 'start' }}>
                {h.state === 'ok' ? `${h.snapshots.length} targets` : 'unavailable'}
              </span>
              <span className="muted mono" style={{ fontSize: 12, overflowWrap: 'anywhere' }}>
                {h.message ?? `as of ${timeOfDay(h.asOf)}`}
              </span>
              {hosts.includes(h.host) ? (
                <button type="button" className="btn btn-sm" aria-label={`Remove host ${h.host}`} onClick={() => removeLiveHost(h.host)}>
                  Remove
                </button>
              ) : (
                <span />
              )}
            </li>
          ))}
        </ul>
        <form className="row" onSubmit={add} aria-label="Add host">
          <label htmlFor="live-add-host">Add a host (reached with ssh; it runs snapscope-helper under sudo -n)</label>
          <input id="live-add-host" className="input mono" placeholder="admin@server" pattern={HOST_PATTERN} title={HOST_FORMAT} value={draft} onChange={(e) => setDraft(e.target.value)} />
          <button type="submit" className="btn" disabled={!draft.trim()}>
            Add host
          </button>
        </form>
      </Card>
      {startError && <ErrorAlert error={startError} title="Could not open the live COW" />}
      <Card title="Snapshots, most urgent first" labelledBy="live-fleet-title">
        {!live ? (
          <p className="empty">Asking device-mapper…</p>
        ) : (
          <DataTable columns={FLEET_COLUMNS} label="Live snapshots" empty={rows.length === 0 && 'No live snapshots on the hosts that answered.'}>
            {rows.map(({ host, snap }) => (
              <tr key={`${host}/${snap.name}`} data-alert={snap.alert ?? undefined}>
                <td>{host}</td>
                <td className="mono">{snap.lvm ? `${snap.lvm.vg}/${snap.lvm.lv}` : snap.name}</td>
                <td>{stateText(snap)}</td>
                <td>{snap.percent === null ? '—' : <Meter percent={snap.percent} />}</td>
                <td>{snap.chunksPerMinute === null ? '—' : `${snap.chunksPerMinute.toFixed(1)} chunks/min`}</td>
                <td>{snap.secondsToOverflow === null ? '—' : duration(snap.secondsToOverflow)}</td>
                <td className="mono muted">{snap.cowPath ?? '?'}</td>
                <td>
                  {snap.kind !== 'snapshot-origin' && snap.cowPath && (
                    <button type="button" className="btn btn-sm" disabled={opening !== null} aria-label={`Open ${snap.name} on ${host} live`} onClick={() => void openLive(snap.cowPath!, host, snap.kind === 'snapshot-merge')}>
                      Open
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Card>
      <Card title="Open a COW live" labelledBy="live-open-title">
        <form
          className="row"
          aria-label="Open a COW live"
          onSubmit={(e) => {
            e.preventDefault();
            if (cowPath.trim()) void openLive(cowPath.trim(), THIS_HOST);
          }}
        >
          <label htmlFor="live-cow-path">A persistent COW on this host that the kernel is writing (read-only, read again on a timer)</label>
          <input id="live-cow-path" className="input mono" placeholder="/dev/vg/snap-cow" value={cowPath} onChange={(e) => setCowPath(e.target.value)} />
          <button type="submit" className="btn" disabled={!cowPath.trim() || opening !== null}>
            Open live
          </button>
        </form>
      </Card>
    </div>
  );
}

function stateText(s: LiveSnapshotDto): string {
  if (s.state === 'Invalid') return 'Invalid — the kernel dropped it (overflowed or failed); reads give EIO';
  if (s.state === 'Overflow') return 'Overflow — full; writes to the origin invalidate it';
  if (s.state === 'Merge failed') return 'Merge failed — see the kernel log';
  if (s.merge) return s.merge.finished ? 'merged (finished)' : `merging ${s.merge.percent.toFixed(1)}%${s.merge.secondsLeft === null ? '' : `, ${duration(s.merge.secondsLeft)} left`}`;
  return 'active';
}

function Meter({ percent }: { percent: number }) {
  const tone = percent >= 90 ? 'var(--danger)' : percent >= 80 ? 'var(--warn)' : 'var(--accent)';
  return (
    <span className="row" style={{ gap: 6 }}>
      <span role="meter" aria-valuenow={Math.round(percent)} aria-valuemin={0} aria-valuemax={100} aria-label="Snap%" style={{ display: 'inline-block', width: 80, height: 8, background: 'var(--border)', borderRadius: 4 }}>
        <span style={{ display: 'block', width: `${Math.min(100, percent)}%`, height: '100%', background: tone, borderRadius: 4 }} />
      </span>
      {percent.toFixed(1)}%
    </span>
  );
}
