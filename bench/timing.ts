/** Wall and CPU timing for benchmarks: on a shared, loaded machine CPU time is the fairer figure. */

/** CPU milliseconds of this process (user + system, all threads). */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface Timing {
  /** Wall milliseconds. */
  ms: number;
  /** CPU milliseconds. */
  cpu: number;
}

export function timed(fn: () => void): Timing {
  const t = performance.now();
  const c = cpuMs();
  fn();
  return { ms: performance.now() - t, cpu: cpuMs() - c };
}

export const rate = (n: number, ms: number): string => `${Math.round((n / ms) * 1000).toLocaleString('en')}/s`;
export const both = (n: number, t: Timing): string => `${rate(n, t.ms)} wall, ${rate(n, t.cpu)} CPU`;
export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** xorshift32: the same pseudo-random sequence every run. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}
