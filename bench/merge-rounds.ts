/**
 * How the merge benches time a merge against `cp` + `sync` and `dd` (O_DIRECT + fsync) of the same
 * bytes onto the same kind of target, the same way for every tool:
 * - places: a sparse file origin in the bench's directory (the disk), and a loop device (losetup's
 *   default, buffered) over a sparse file on tmpfs (/dev/shm: no disk under the loop, so the rows
 *   measure the path to a block device without the disk's swings) and over one in the bench's
 *   directory (the disk under the loop). SNAPSCOPE_BENCH_LOOP_BACKING=tmpfs or =disk keeps one.
 * - each round times every tool once, each onto a fresh target, in an order that rotates from
 *   round to round, so no tool always runs right after the same other;
 * - `sync` right before each timed step, outside its time: what an earlier step, an earlier round
 *   or another process left dirty is not written back in the next step's time;
 * - a first warm-up round of every tool is timed and printed but not counted;
 * - a step's target and input are removed right after it (the root file system discards freed
 *   blocks as it frees them: outside the time, and the next `sync` waits for what is left).
 * What a round measures for each tool is its wall time from start to durable (the merge opens the
 * store and the origin and returns after its last flush; cp's `sync` and dd's `fsync` likewise).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { attachLoop, loopUnavailable, seconds } from './floors.ts';
import { median, type Figure } from './matched/rounds.ts';

const MiB = 1 << 20;
const TMPFS_MAGIC = 0x01021994;
const SHM = '/dev/shm';

/** Where the targets go. */
export interface Place {
  kind: 'file' | 'loop';
  /** Directory of the target files (a loop device's backing file). */
  dir: string;
  /** What the place is, for the bench's output. */
  label: string;
}

/**
 * The places the merges are measured on: the file origin in `benchDir`, then loop devices over
 * tmpfs and over `benchDir` (as SNAPSCOPE_BENCH_LOOP_BACKING picks; tmpfs only when /dev/shm is
 * one with room for `loopBytes` twice over: one step's target at a time). `skipped` says why a place is left out.
 */
export function mergePlaces(benchDir: string, loopBytes: number): { places: Place[]; skipped: string[] } {
  const disk = fileSystemOf(benchDir);
  const places: Place[] = [{ kind: 'file', dir: benchDir, label: `into a sparse file origin on ${disk}` }];
  const skipped: string[] = [];
  const noLoop = loopUnavailable();
  const wanted = (process.env['SNAPSCOPE_BENCH_LOOP_BACKING'] ?? 'tmpfs,disk').split(',');
  if (noLoop) return { places, skipped: [`merge onto a loop device: skipped, ${noLoop}`] };
  if (wanted.includes('tmpfs')) {
    const room = shmRoom();
    if (room >= 2 * loopBytes) places.push({ kind: 'loop', dir: SHM, label: `onto a loop device over a sparse file on tmpfs (${SHM}: no disk under it)` });
    else skipped.push(`merge onto a loop device over tmpfs: skipped, ${room < 0 ? `${SHM} is not a tmpfs` : `${SHM} has ${(room / MiB).toFixed(0)} MiB free, ${(2 * loopBytes) / MiB} needed`}`);
  }
  if (wanted.includes('disk')) places.push({ kind: 'loop', dir: benchDir, label: `onto a loop device over a sparse file on ${disk} (the disk under it)` });
  return { places, skipped };
}

/** "ext4 on /dev/vda, mounted with discard": what is under `dir`, as findmnt says. */
function fileSystemOf(dir: string): string {
  try {
    const [type, source, options] = execFileSync('findmnt', ['-no', 'FSTYPE,SOURCE,OPTIONS', '-T', dir], { encoding: 'utf8' }).trim().split(/\s+/);
    return `${type} on ${source}${options?.split(',').includes('discard') ? ', mounted with discard' : ''}`;
  } catch {
    return dir;
  }
}

/** Bytes free on /dev/shm, or -1 when it is not a tmpfs. */
function shmRoom(): number {
  try {
    const s = fs.statfsSync(SHM);
    return s.type === TMPFS_MAGIC ? s.bavail * s.bsize : -1;
  } catch {
    return -1;
  }
}

/** One tool a round times: `run` copies onto `target` durably; `prepare` (untimed) makes its input, `check` (untimed) verifies the target. */
export interface Tool {
  name: string;
  /** Bytes the tool moves (the rate's numerator). */
  bytes: number;
  /** A file target is created sparse of this size first (0: none, the tool creates it). */
  fileBytes: number;
  prepare?(round: number): void;
  run(target: string, round: number): void;
  check?(target: string): void;
  /** Removes what prepare made. */
  cleanUp?(round: number): void;
}

/** Rates in bytes/s per tool: the counted rounds, and the warm-up round's. */
export interface RoundRates {
  rates: Map<string, number[]>;
  warmUp: Map<string, number>;
  /** CPU seconds of this process (all its threads) in each counted round: a tool run in this process's own code; cp and dd are other processes. */
  cpu: Map<string, number[]>;
}

/** One warm-up round and `rounds` counted ones of every tool onto `place` (see the module comment); `loopBytes` sizes a loop's backing file. */
export function timeRounds(place: Place, tools: readonly Tool[], rounds: number, loopBytes: number): RoundRates {
  const out: RoundRates = { rates: new Map(tools.map((t) => [t.name, []])), warmUp: new Map(), cpu: new Map(tools.map((t) => [t.name, []])) };
  for (let round = 0; round <= rounds; round++) {
    const order = tools.map((_, i) => tools[(i + round) % tools.length]!);
    for (const tool of order) {
      const { wall, cpu } = timeStep(place, tool, round, loopBytes);
      if (round === 0) out.warmUp.set(tool.name, tool.bytes / wall);
      else {
        out.rates.get(tool.name)!.push(tool.bytes / wall);
        out.cpu.get(tool.name)!.push(cpu);
      }
    }
  }
  return out;
}

function timeStep(place: Place, tool: Tool, round: number, loopBytes: number): Figure {
  const file = path.join(place.dir, `snapscope-bench-${tool.name.replace(/\W+/g, '-')}-${process.pid}-${round}.img`);
  let loop: string | null = null;
  try {
    if (place.kind === 'loop') loop = attachLoop(file, loopBytes);
    else if (tool.fileBytes) {
      fs.writeFileSync(file, '');
      fs.truncateSync(file, tool.fileBytes);
    }
    tool.prepare?.(round);
    const target = loop ?? file;
    execFileSync('sync');
    const figure = seconds(() => tool.run(target, round));
    tool.check?.(target);
    return figure;
  } finally {
    if (loop) execFileSync('losetup', ['-d', loop]);
    fs.rmSync(file, { force: true });
    tool.cleanUp?.(round);
  }
}

/** "1,234 MiB/s" of a rate in bytes/s. */
export const mibs = (rate: number): string => `${Math.round(rate / MiB).toLocaleString('en')} MiB/s`;

/** Each round's rate, then the warm-up's: "1,201, 1,180, 990 (warm-up 640)". */
export function roundList(r: RoundRates, tool: string): string {
  return `${r.rates.get(tool)!.map((x) => Math.round(x / MiB).toLocaleString('en')).join(', ')} (warm-up ${Math.round(r.warmUp.get(tool)! / MiB).toLocaleString('en')})`;
}

/** The ratio of `a`'s median rate to `b`'s, and the median of the per-round ratios (a round's tools ran back to back). */
export function ratios(r: RoundRates, a: string, b: string): { ofMedians: number; perRound: number } {
  const [xa, xb] = [r.rates.get(a)!, r.rates.get(b)!];
  return { ofMedians: median(xa) / median(xb), perRound: median(xa.map((x, i) => x / xb[i]!)) };
}
