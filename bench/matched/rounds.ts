/**
 * Interleaved rounds: A B A B ... in the same run, each side a fresh process (or a function),
 * medians compared. On a shared machine the absolute figures drift; the ratio of medians taken
 * side by side is what the benchmarks report.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export const loadavg = (): string => os.loadavg().map((x) => x.toFixed(2)).join(' ');

/** Runs `cmd args` and returns its last stdout line parsed as JSON. */
export function jsonLine(cmd: string, args: string[], env: Record<string, string> = {}): Record<string, unknown> {
  const out = execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

/** One measured figure of a run: wall and CPU, as a rate (higher is better) or seconds (lower is better). */
export interface Figure {
  wall: number;
  cpu: number;
}

export interface Side {
  name: string;
  run: () => Figure;
}

export interface Compared {
  a: Figure[];
  b: Figure[];
}

/** `rounds` rounds of A then B (B skipped when null). */
export function interleave(rounds: number, a: Side, b: Side | null): Compared {
  const out: Compared = { a: [], b: [] };
  for (let r = 0; r < rounds; r++) {
    out.a.push(a.run());
    if (b) out.b.push(b.run());
  }
  return out;
}

export const medianOf = (fs: Figure[]): Figure => ({ wall: median(fs.map((f) => f.wall)), cpu: median(fs.map((f) => f.cpu)) });
