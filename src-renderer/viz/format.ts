/** Human-readable sizes and durations, used by every view so numbers read the same everywhere. */
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${UNITS[unit]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  const p = (part / whole) * 100;
  return `${p < 10 && p > 0 ? p.toFixed(1) : Math.round(p)}%`;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  if (seconds < 1) return '<1 s';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

// Every time the UI shows is UTC, as the stores record them: a local time beside a snapshot's
// creation time would read as the same clock and be off by the zone.

/** "2026-12-07 14:03", UTC (columns headed "(UTC)"). */
export function formatTime(unixSeconds: number | null): string {
  if (unixSeconds === null) return '—';
  return new Date(unixSeconds * 1000).toISOString().replace('T', ' ').slice(0, 16);
}

/** "2026-12-07 14:03 UTC": a date and time of `ms` (Unix milliseconds). */
export function formatDateTime(ms: number): string {
  return `${new Date(ms).toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}

/** "14:03:27 UTC": the time of day of `ms` (Unix milliseconds), 24-hour. */
export function timeOfDay(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

/** What `snapscope info` calls the tree's levels: the index levels above the leaves (depth counts the leaves too). */
export function indexLevels(levels: number): string {
  return `index level${levels === 1 ? '' : 's'} above the leaves`;
}
