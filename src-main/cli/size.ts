import { SnapscopeError } from '../../src-core/errors.ts';
import { MAX_CHUNK_SECTORS } from '../../src-core/persistent/format.ts';
import { MAX_CHUNK_BYTES, MIN_CHUNK_BYTES } from '../../src-core/shared/store/limits.ts';

/**
 * Every number the CLI reads: sizes ("64M"), chunk sizes, counts and chunk numbers. One parser,
 * so every option says what is wrong the same way: not a number, too large, out of range.
 */

const UNITS: Record<string, bigint> = { '': 1n, s: 512n, k: 1n << 10n, m: 1n << 20n, g: 1n << 30n, t: 1n << 40n, p: 1n << 50n, e: 1n << 60n };
const U64_MAX = (1n << 64n) - 1n;

/** "4096", "4k", "64M", "1GiB", "8s" (sectors); powers of 1024. */
export function parseSize(text: string, what: string): number {
  const m = /^(\d+)\s*([skmgtpe]?)(?:i?b)?$/i.exec(text.trim());
  if (!m) throw bad(what, `'${text}' is not a size (bytes, or a number with s, k, M, G or T)`);
  return checked(BigInt(m[1]!) * UNITS[m[2]!.toLowerCase()]!, text, what);
}

/** A count or chunk number: decimal digits only. */
export function parseInteger(text: string, what: string): number {
  if (!/^\d+$/.test(text.trim())) throw bad(what, `'${text}' is not a non-negative integer`);
  return checked(BigInt(text.trim()), text, what);
}

/** A duration or other non-negative decimal: "10", "0.5". */
export function parseDecimal(text: string, what: string): number {
  if (!/^\d+(\.\d+)?$/.test(text.trim())) throw bad(what, `'${text}' is not a non-negative number`);
  return Number(text);
}

/**
 * A chunk size: a power of two within what the format opens (shared: 512 B–1 MiB; persistent:
 * 512 B up to the kernel's limit).
 */
export function parseChunkSize(text: string, what: string, format: 'shared' | 'persistent'): number {
  const bytes = parseSize(text, what);
  if (bytes <= 0 || (bytes & (bytes - 1)) !== 0 || !Number.isSafeInteger(bytes)) throw bad(what, `${describe(text, bytes)} is not a power of two`);
  const max = format === 'shared' ? MAX_CHUNK_BYTES : largestPowerOfTwo(MAX_CHUNK_SECTORS) * 512;
  if (bytes < MIN_CHUNK_BYTES || bytes > max) throw bad(what, `${describe(text, bytes)} is out of range ${formatSize(MIN_CHUNK_BYTES)}–${formatSize(max)} for a ${format} store`);
  return bytes;
}

function checked(value: bigint, text: string, what: string): number {
  if (value > U64_MAX) throw bad(what, `'${text}' is too large (max 2^64-1)`);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw bad(what, `'${text}' is too large for snapscope (max 2^53-1)`);
  return Number(value);
}

function describe(text: string, bytes: number): string {
  return /^\d+$/.test(text.trim()) ? `'${text}'` : `'${text}' (${formatSize(bytes)})`;
}

function largestPowerOfTwo(n: number): number {
  return 2 ** Math.floor(Math.log2(n));
}

function bad(what: string, message: string): SnapscopeError {
  return new SnapscopeError('usage', `${what}: ${message}`);
}

/** "64 MiB", "4 KiB", "512 B": the largest unit that divides exactly, else one decimal. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  let v = bytes;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}
