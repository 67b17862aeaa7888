/**
 * The matched benchmarks' workload files, read by both engines (matched-bench.c's format):
 * writes.bin holds little-endian u32 origin chunks, one per origin write; lookups.bin u32 pairs
 * (snapshot slot, origin chunk). The same seeds every run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { rng } from '../timing.ts';

/** matched-bench.c's xorshift32 with its seed taken as is. */
export const xorshiftFrom = rng;

export interface Workload {
  dir: string;
  writes: number;
  lookups: number;
  originChunks: number;
}

/** `writes` random origin writes over `originChunks` chunks, `lookups` random (slot 0..7, chunk) pairs. */
export function writeWorkload(dir: string, writes: number, lookups: number, originChunks: number): Workload {
  const w = new Uint32Array(writes);
  const next = rng(42);
  for (let i = 0; i < writes; i++) w[i] = next() % originChunks;
  const l = new Uint32Array(2 * lookups);
  const look = rng(7);
  for (let i = 0; i < lookups; i++) {
    const x = look();
    l[2 * i] = x % 8;
    l[2 * i + 1] = (x >>> 3) % originChunks;
  }
  // Uint32Array bytes are little-endian on every platform Node runs on; say so rather than assume.
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('workload files need a little-endian host');
  fs.writeFileSync(path.join(dir, 'writes.bin'), w);
  fs.writeFileSync(path.join(dir, 'lookups.bin'), l);
  return { dir, writes, lookups, originChunks };
}

/** Latency percentiles (ns) of `d`, sorted in place. */
export function percentiles(d: Float64Array): { p50: number; p90: number; p99: number; p999: number; max: number } {
  d.sort();
  const m = d.length;
  const at = (q: number) => Math.round(d[Math.min(m - 1, Math.floor(m * q))]!);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: Math.round(d[m - 1]!) };
}
