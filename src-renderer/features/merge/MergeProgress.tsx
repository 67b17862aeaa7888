import { useEffect, useRef } from 'react';
import type { JobInfo } from '../../../src-core/api/contract.ts';
import { useAppStore } from '../../app/store-context.tsx';
import { formatBytes, formatCount, formatDuration } from '../../viz/format.ts';

/**
 * Live progress of one job. Job events arrive up to ~10 times a second, so the bar and figures are
 * written from a store subscription straight into the DOM instead of re-rendering the view.
 */
export function MergeProgress({ job }: { job: string }) {
  const store = useAppStore();
  const bar = useRef<HTMLDivElement>(null);
  const track = useRef<HTMLDivElement>(null);
  const fields = useRef<Record<string, HTMLElement | null>>({});
  useEffect(() => {
    const render = (info: JobInfo | undefined): void => {
      if (!info) return;
      const p = info.progress;
      // Every byte the merge writes counts: with stages (copies for other snapshots, then the origin), their sum.
      const stages = p.stages ?? [];
      const [done, total] = stages.length ? stages.reduce(([d, t], s) => [d + s.done, t + s.total], [0, 0]) : [p.done, p.total];
      const pct = info.state === 'done' ? 100 : total > 0 ? Math.min(100, (done / total) * 100) : 0;
      if (bar.current) bar.current.style.width = `${pct}%`;
      track.current?.setAttribute('aria-valuenow', String(Math.round(pct)));
      const set = (k: string, v: string): void => {
        const el = fields.current[k];
        if (el) el.textContent = v;
      };
      // Tenths below 10%: the first batches of a large merge move well under 1%, and '0%' would say nothing moved.
      set('pct', pct < 10 ? `${Math.floor(pct * 10) / 10}%` : `${Math.floor(pct)}%`);
      set('done', `${formatCount(p.done)} / ${formatCount(p.total)} ${p.unit}`);
      set('stages', stages.map((s) => `${s.name}: ${formatBytes(s.done)} of ${formatBytes(s.total)}`).join(' · '));
      fields.current['stages']?.setAttribute('data-stages', JSON.stringify(stages.map((s) => [s.done, s.total])));
      const rate = p.bytesPerSecond;
      const left = total - done;
      const eta = rate && rate > 0 && stages.length ? left / rate : p.etaSeconds;
      set('rate', p.bytesPerSecond !== null ? `${formatBytes(p.bytesPerSecond)}/s` : `${formatCount(Math.round(p.rate))} ${p.unit}/s`);
      set('eta', info.state === 'done' ? 'done' : info.state === 'paused' ? 'paused' : formatDuration(eta));
      set('phase', `${p.phase}${p.current ? ` · ${p.current}` : ''}`);
      set('elapsed', formatDuration(p.elapsedSeconds));
    };
    render(store.getState().jobs[job]);
    return store.subscribe((s, prev) => {
      if (s.jobs[job] !== prev.jobs[job]) render(s.jobs[job]);
    });
  }, [store, job]);
  const field = (k: string) => (el: HTMLElement | null) => {
    fields.current[k] = el;
  };
  return (
    <div className="grid" style={{ gap: 12 }}>
      <div className="row">
        <strong ref={field('pct')} data-testid="merge-percent" style={{ fontSize: 22, fontVariantNumeric: 'tabular-nums' }} />
        <span className="muted" ref={field('phase')} />
      </div>
      <div className="muted" ref={field('stages')} data-testid="merge-stages" style={{ fontSize: 12 }} />
      <div ref={track} className="progress" role="progressbar" aria-label="Merge progress" aria-valuemin={0} aria-valuemax={100}>
        <div ref={bar} style={{ width: 0 }} />
      </div>
      <dl className="stats" style={{ margin: 0 }}>
        <div className="stat">
          <dt>Merged</dt>
          <dd ref={field('done')} data-testid="merge-done" />
        </div>
        <div className="stat">
          <dt>Throughput</dt>
          <dd ref={field('rate')} />
        </div>
        <div className="stat">
          <dt>Time left</dt>
          <dd ref={field('eta')} />
        </div>
        <div className="stat">
          <dt>Elapsed</dt>
          <dd ref={field('elapsed')} />
        </div>
      </dl>
    </div>
  );
}
