import { SnapscopeError } from '../../src-core/errors.ts';

const SUFFIX: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** "4096", "4k", "64M", "1G" (powers of 1024; an optional trailing "B"/"iB" is accepted). */
export function parseSize(text: string, what: string): number {
  const m = /^(\d+)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  const factor = m ? SUFFIX[m[2]!.toLowerCase()] : undefined;
  const value = m && factor !== undefined ? Number(m[1]) * factor : NaN;
  if (!Number.isSafeInteger(value)) throw new SnapscopeError('usage', `${what}: '${text}' is not a size (bytes, or a number with k, M or G)`);
  return value;
}

/** "64 MiB", "4 KiB", "512 B": the largest unit that divides exactly, else one decimal. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = bytes;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}
