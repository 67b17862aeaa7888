/**
 * A time span for people, as the CLI's watch and the Live view both show it ("full in 3h07m"):
 * two units at most, the second zero-padded, so columns of them line up. Rounded to seconds. Here
 * in the API module because the renderer may import only it (the live DTOs carry the seconds).
 */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86400)}d${pad(Math.floor((s % 86400) / 3600))}h`;
}

const pad = (n: number): string => String(n).padStart(2, '0');
