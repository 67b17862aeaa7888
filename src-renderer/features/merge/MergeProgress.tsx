import { useEffect, useRef } from 'react';
import type { JobInfo, StoreInfo } from '../../../src-core/api/contract.ts';
import { useAppStore } from '../../app/store-context.tsx';
import { formatBytes, formatCount, formatDuration } from '../../viz/format.ts';
import { mergePhase, stageLine } from './merge-phase.ts';

/**
 * Live progress of one job. Job events arrive up to ~10 times a second, so the bar and figures are
 * written from a store subscription straight into the DOM instead of re-rendering the view.
 *
 * What the job has written onto the origin runs ahead of what the store records as merged (a batch
 * is recorded once its data is durable, and a pause can fall inside a batch): the Overview speaks
 * of the record, so the two are shown apart, each under its own name.
 */
export function MergeProgress({ job, snapshotName }: { job: string; snapshotName: string }) {
  const store = useAppStore();
  const bar = useRef<HTMLDivElement>(null);
  const track = useRef<HTMLDivElement>(null);
  const fields = useRef<Record<string, HTMLElement | null>>({});
  useEffect(() => {
    const render = (info: JobInfo | undefined, store: StoreInfo | null): void => {
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
      // The stage counts earlier runs of a resumed merge too, as the record does.
      const onto = stages.find((s) => s.name === 'onto the origin');
      const cb = store?.chunkBytes ?? 0;
      // The figure large, "of <total> <unit>" small: at 1280 px "402 / 402 chunks" in large type wrapped.
      const [doneN, totalN, unit] = onto && cb > 0 ? [onto.done / cb, onto.total / cb, 'chunks'] : [p.done, p.total, p.unit];
      set('done', formatCount(doneN));
      set('doneOf', ` of ${formatCount(totalN)} ${unit}`);
      const record = store?.merge;
      set('recorded', info.state !== 'done' && record?.done != null && record.total != null ? `${formatCount(record.done)} of ${formatCount(record.total)} recorded as merged on disk` : '');
      set('stages', stageLine(stages));
      fields.current['stages']?.setAttribute('data-stages', JSON.stringify(stages.map((s) => [s.done, s.total])));
      const rate = p.bytesPerSecond;
      const left = total - done;
      const eta = rate && rate > 0 && stages.length ? left / rate : p.etaSeconds;
      set('rate', p.bytesPerSecond !== null ? `${formatBytes(p.bytesPerSecond)}/s` : `${formatCount(Math.round(p.rate))} ${p.unit}/s`);
      set('eta', info.state === 'done' ? 'done' : info.state === 'paused' ? 'paused' : formatDuration(eta));
      set('phase', mergePhase(info, snapshotName, cb));
      set('elapsed', formatDuration(p.elapsedSeconds));
    };
    render(store.getState().jobs[job], store.getState().info);
    return store.subscribe((s, prev) => {
      if (s.jobs[job] !== prev.jobs[job] || s.info !== prev.info) render(s.jobs[job], s.info);
    });
  }, [store, job, snapshotName]);
  const field = (k: string) => (el: HTMLElement | null) => {
    fields.current[k] = el;
  };
  return (
    <div className="grid" style={{ gap: 12 }}>
      <div className="row">
        <strong ref={field('pct')} data-testid="merge-percent" style={{ fontSize: 22, fontVariantNumeric: 'tabular-nums' }} />
        <span className="muted" ref={field('phase')} data-testid="merge-phase" />
      </div>
      <div className="muted" ref={field('stages')} data-testid="merge-stages" style={{ fontSize: 12 }} />
      <div ref={track} className="progress" role="progressbar" aria-label="Merge progress" aria-valuemin={0} aria-valuemax={100}>
        <div ref={bar} style={{ width: 0 }} />
      </div>
      <dl className="stats" style={{ margin: 0 }}>
        <div className="stat">
          <dt>Written to the origin</dt>
          <dd>
            <span data-testid="merge-done">
              <span ref={field('done')} />
              <span className="unit" ref={field('doneOf')} />
            </span>
            <small ref={field('recorded')} data-testid="merge-recorded-done" />
          </dd>
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
