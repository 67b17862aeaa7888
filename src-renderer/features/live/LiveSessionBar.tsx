import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../app/store-context.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { formatCount, timeOfDay } from '../../viz/format.ts';

const EVERY_CHOICES = [1, 2, 5, 10, 30, 60];

/**
 * Shown while a live COW is open: it is only read, as of when, what the last read found new, and
 * the timer that reads it again (every N seconds, the user's choice) — the Overview, Occupancy and
 * Exception table follow each read.
 */
export function LiveSessionBar() {
  const { session, live, every, fresh, merged, error } = useApp(
    useShallow((s) => ({ session: s.session?.session ?? null, live: s.session?.live ?? null, every: s.liveEvery, fresh: s.liveFresh, merged: s.liveMerged, error: s.liveRefreshError })),
  );
  const { refreshLive, setLiveEvery } = useApp(useShallow((s) => ({ refreshLive: s.refreshLive, setLiveEvery: s.setLiveEvery })));
  const isLive = live !== null;

  useEffect(() => {
    if (!isLive) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async (): Promise<void> => {
      await refreshLive();
      if (!stop) timer = setTimeout(() => void tick(), every * 1000);
    };
    timer = setTimeout(() => void tick(), every * 1000);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [isLive, session, every, refreshLive]);

  if (!live) return null;
  return (
    <div className="live-bar" role="region" aria-label="Live COW" style={{ padding: '6px 16px', borderBottom: '1px solid var(--border)' }}>
      <div className="row" style={{ gap: 10, flexWrap: 'wrap' }}>
        <span className="badge accent">live</span>
        <span className="muted">
          read-only, on {live.host}; the kernel {live.merging ? 'merges' : 'writes'} it
        </span>
        <span className="mono" data-testid="live-as-of" data-value={live.asOf}>
          as of {timeOfDay(live.asOf)}
        </span>
        {live.merging ? (
          <span data-testid="live-merged" data-value={merged?.count ?? 0}>
            {merged ? `${formatCount(merged.count)} exceptions merged, seen at ${timeOfDay(merged.at)}` : 'none merged since it was opened'}
          </span>
        ) : (
          <span data-testid="live-fresh" data-value={fresh?.count ?? 0}>
            {fresh ? `+${formatCount(fresh.count)} new exceptions at ${timeOfDay(fresh.at)}` : 'no new exceptions yet'}
          </span>
        )}
        <span className="spacer" />
        <label className="row" style={{ gap: 6 }}>
          Refresh every
          <select className="input" aria-label="Refresh every (seconds)" value={every} onChange={(e) => setLiveEvery(Number(e.target.value))}>
            {EVERY_CHOICES.map((n) => (
              <option key={n} value={n}>
                {n} s
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn btn-sm" onClick={() => void refreshLive()}>
          Refresh now
        </button>
      </div>
      {error && <ErrorAlert error={error} title="Could not read the live COW again" />}
    </div>
  );
}
