/**
 * SIGKILL at a random moment of a real CLI process: wait until it has started writing (a probe of
 * its files says so), then a random delay within the time the work takes, then kill -9. What it
 * wrote stays in the page cache, as after a process crash; nothing after the kill happens.
 * `killTrials` is the whole test around it: a reference run, then seeded kills, each checked.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { checkTask } from '../../src-core/check/check.ts';
import { MemoryDevice } from '../../src-core/io/memory-device.ts';
import { runToEnd } from '../../src-core/jobs/job.ts';
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

export interface KillTrials<T> {
  /** A fresh target (files) for a run; `name` is unique per run. */
  fresh(name: string): T;
  /** The command line for a target. */
  args(t: T): (string | number)[];
  /** When the run on `t` has started writing (the kill delay counts from then). */
  started(t: T): () => boolean;
  /** What the first of the seeded delays is seeded with (the others follow): failure messages name the seed. */
  firstSeed: number;
  /** Trials: KILLS unless given. */
  trials?: number;
  /** Checks the reference run, which was not killed and exited 0. */
  reference(t: T): void;
  /** Checks a trial's target after the kill; `where` names the seed and the moment. */
  after(t: T, where: string, run: Killed): void;
  /** What "started writing" was, for `where`. */
  startedWhat?: string;
}

/**
 * The kill test: a reference run to its end (exit 0; how long the work takes), then trials on
 * fresh targets, the first killed as it starts writing and the others at a seeded random moment
 * within that time, each checked by `after`.
 * Fails unless at least one trial was killed while it worked.
 */
export async function killTrials<T>(o: KillTrials<T>): Promise<void> {
  const ref = o.fresh('ref');
  const full = await runAndKill(o.args(ref), o.started(ref), Infinity);
  if (full.code !== 0) throw new Error(`the reference run failed (exit ${full.code}): ${full.stderr}`);
  o.reference(ref);
  let killedMidway = 0;
  for (let trial = 0; trial < (o.trials ?? KILLS); trial++) {
    const seed = o.firstSeed + trial;
    const t = o.fresh(`t${trial}`);
    // The first trial kills as soon as the work has started: a load that makes the reference run
    // slower than the trials cannot move every kill past their end.
    const delay = trial === 0 ? 0 : random(seed)() * full.workMs;
    const run = await runAndKill(o.args(t), o.started(t), delay);
    if (run.killed) killedMidway++;
    o.after(t, `seed ${seed}, killed ${Math.round(delay)} ms after ${o.startedWhat ?? 'the first write'} (of ${full.workMs})`, run);
  }
  if (killedMidway === 0) throw new Error('no trial killed the process while it worked');
}

/** The errors `check` finds in a COW file. */
export function checkErrors(cow: string) {
  return runToEnd(checkTask(new MemoryDevice(new Uint8Array(fs.readFileSync(cow)), 'cow'))).findings.filter((f) => f.severity === 'error');
}
