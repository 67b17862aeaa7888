import type { ProgressReport } from '../../src-core/jobs/progress.ts';

/** "merge [#########...........]  42.0%  1234/2938 chunks  85.3 MB/s  ETA 0:12" */
export function progressLine(p: ProgressReport, width = 30): string {
  const frac = p.total > 0 ? Math.min(p.done / p.total, 1) : 1;
  const filled = Math.round(frac * width);
  const rate = p.bytesPerSecond === null ? '' : `  ${(p.bytesPerSecond / 1e6).toFixed(1)} MB/s`;
  const eta = p.etaSeconds === null ? '' : `  ETA ${clock(p.etaSeconds)}`;
  return `${p.phase} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(1).padStart(5)}%  ${p.done}/${p.total} ${p.unit}${rate}${eta}`;
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const mmss = `${m}:${String(s % 60).padStart(2, '0')}`;
  return h ? `${h}:${mmss.padStart(5, '0')}` : mmss;
}
