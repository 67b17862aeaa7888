/**
 * SIGKILL at a random moment of a real CLI process: wait until it has started writing (a probe of
 * its files says so), then a random delay within the time the work takes, then kill -9. What it
 * wrote stays in the page cache, as after a process crash; nothing after the kill happens.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { cliAsync } from './cli.ts';

/** Trials per test; CRASH_KILLS=30 for a longer run. */
export const KILLS = Number(process.env.CRASH_KILLS ?? 0) || 3;

/** mulberry32 from a seed: the trial's delays are reproducible from the seed in the failure message. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Killed {
  /** Whether the process was still running when killed (false: it had finished first). */
  killed: boolean;
  code: number | null;
  stderr: string;
  /** Milliseconds from the first write seen to the end of the process. */
  workMs: number;
}

/** Runs the CLI; once `started()` is true, waits `delayMs` (Infinity: never kills) and sends SIGKILL. */
export function runAndKill(args: (string | number)[], started: () => boolean, delayMs: number): Promise<Killed> {
  const child: ChildProcess = cliAsync(...args);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  let begin = 0;
  let killed = false;
  const poll = setInterval(() => {
    if (begin || !started()) return;
    begin = Date.now();
    if (delayMs !== Infinity) {
      setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) killed = child.kill('SIGKILL');
      }, delayMs);
    }
  }, 2);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ killed, code, stderr, workMs: begin ? Date.now() - begin : 0 });
    });
  });
}

/** The shared header's generation (commits since format): it moves at the first commit. */
export function generation(cow: string): bigint {
  const fd = fs.openSync(cow, 'r');
  try {
    const b = Buffer.alloc(64);
    fs.readSync(fd, b, 0, 64, 0);
    return b.readBigUInt64LE(56);
  } finally {
    fs.closeSync(fd);
  }
}
