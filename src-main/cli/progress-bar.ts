import type { ProgressReport } from '../../src-core/jobs/progress.ts';
import { formatSize } from './size.ts';

/** On a terminal: "merge [#########.....]  42.0%  1234/2938 chunks  85.3 MiB/s  ETA 0:12" */
export function progressBar(p: ProgressReport, width = 30): string {
  const frac = fraction(p);
  const filled = Math.round(frac * width);
  const rate = p.bytesPerSecond === null ? '' : `  ${mibPerSecond(p.bytesPerSecond)}`;
  const eta = p.etaSeconds === null ? '' : `  ETA ${clock(p.etaSeconds)}`;
  return `${p.phase} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(1).padStart(5)}%  ${p.done}/${p.total} ${p.unit}${rate}${eta}`;
}

/**
 * Off a terminal (cron, logs, ssh without -t), one plain line per interval, as `lvconvert -i`:
 * "snapscope: merge: 42.0% (1234/2938 chunks, 48.2 MiB, 85.3 MiB/s, ETA 0:12)"
 */
export function progressLine(p: ProgressReport): string {
  const parts = [`${p.done}/${p.total} ${p.unit}`];
  if (p.bytes !== undefined) parts.push(formatSize(p.bytes));
  if (p.bytesPerSecond !== null) parts.push(mibPerSecond(p.bytesPerSecond));
  parts.push(`ETA ${p.etaSeconds === null ? '?' : clock(p.etaSeconds)}`);
  return `snapscope: ${p.phase}: ${(fraction(p) * 100).toFixed(1)}% (${parts.join(', ')})`;
}

function fraction(p: ProgressReport): number {
  return p.total > 0 ? Math.min(p.done / p.total, 1) : 1;
}

/** Binary units, as every size the CLI prints. */
function mibPerSecond(bytesPerSecond: number): string {
  return `${(bytesPerSecond / 2 ** 20).toFixed(1)} MiB/s`;
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const mmss = `${m}:${String(s % 60).padStart(2, '0')}`;
  return h ? `${h}:${mmss.padStart(5, '0')}` : mmss;
}
