/**
 * The floors merges and opens are measured against, in the same run: `cp` + `sync` and `dd`
 * with O_DIRECT + fsync of the same bytes (what the disk does for a plain copy), and a file's page
 * cache dropped (`dd iflag=nocache count=0`: that file only) for cold reads.
 */
import { execFileSync } from 'node:child_process';
import { cpuMs } from './timing.ts';
import type { Figure } from './matched/rounds.ts';

/** Wall and CPU seconds of `work` (CPU of this process; a child's is not counted). */
export function seconds(work: () => void): Figure {
  const t = process.hrtime.bigint();
  const c = cpuMs();
  work();
  return { wall: Number(process.hrtime.bigint() - t) / 1e9, cpu: (cpuMs() - c) / 1000 };
}

/** `cp` of `src` onto `dst`, then `sync` of `dst`: a plain copy, durable. */
export function cpAndSync(src: string, dst: string): void {
  execFileSync('cp', ['--sparse=never', src, dst]);
  execFileSync('sync', [dst]);
}

/** `dd` of `src` onto `dst` past the page cache (O_DIRECT, 1 MiB writes), then fsync: the disk's own copy rate. */
export function ddDirect(src: string, dst: string): void {
  execFileSync('dd', [`if=${src}`, `of=${dst}`, 'bs=1M', 'oflag=direct', 'conv=fsync', 'status=none']);
}

/** Drops `file`'s pages from the page cache (GNU dd: count=0 with nocache covers the whole file). */
export function dropCache(file: string): void {
  execFileSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']);
}

/** Why loop devices cannot be used here (a merge row onto one is then skipped saying so), or null. */
export function loopUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not root (losetup needs it)';
  try {
    execFileSync('losetup', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'losetup is not installed';
  }
  return null;
}

/** A sparse file of `bytes` at `file`, attached as a loop device (buffered, the default); returns the device's path. */
export function attachLoop(file: string, bytes: number): string {
  execFileSync('truncate', ['-s', String(bytes), file]);
  return execFileSync('losetup', ['-f', '--show', file], { encoding: 'utf8' }).trim();
}
