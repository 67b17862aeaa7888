/**
 * Copies are kept until the caller's cleanup: the root file system discards freed blocks, which
 * would otherwise land in whichever fsync comes next.
 *
 * The floors merges and opens are measured against, in the same run: `cp` + `sync` and `dd`
 * with O_DIRECT + fsync of the same bytes (what the disk does for a plain copy), and a file's page
 * cache dropped (`dd iflag=nocache count=0`: that file only) for cold reads.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { cpuMs } from './timing.ts';
import type { Figure } from './matched/rounds.ts';

/** Wall and CPU seconds of `work` (CPU of this process; a child's is not counted). */
export function seconds(work: () => void): Figure {
  const t = process.hrtime.bigint();
  const c = cpuMs();
  work();
  return { wall: Number(process.hrtime.bigint() - t) / 1e9, cpu: (cpuMs() - c) / 1000 };
}

export function cpSync(src: string, dst: string): Figure {
  const f = seconds(() => {
    execFileSync('cp', ['--sparse=never', src, dst]);
    execFileSync('sync', [dst]);
  });
  return f;
}

export function ddDirect(src: string, dst: string): Figure {
  return seconds(() => execFileSync('dd', [`if=${src}`, `of=${dst}`, 'bs=1M', 'oflag=direct', 'conv=fsync', 'status=none']));
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

/**
 * A merge bench's target at `file`: on a 'file' round a sparse file of `bytes` (none when 0: cp and
 * dd create their own); on a 'loop' round a loop device over a sparse file of `loopBytes` (as large
 * as what cp and dd copy), pushed to `loops` for the caller to detach.
 */
export function mergeTarget(kind: 'file' | 'loop', file: string, bytes: number, loopBytes: number, loops: string[]): string {
  if (kind === 'loop') {
    loops.push(attachLoop(file, loopBytes));
    return loops.at(-1)!;
  }
  if (bytes) {
    fs.writeFileSync(file, '');
    fs.truncateSync(file, bytes);
  }
  return file;
}

/** Detaches loop devices attached by attachLoop (the caller's finally: one left behind holds its file). */
export function detachLoops(devices: readonly string[]): void {
  for (const dev of devices) execFileSync('losetup', ['-d', dev]);
}
