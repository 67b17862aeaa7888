import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** A process run under a time and memory bound: killed when it exceeds either, and says which. */
export interface Watched {
  code: number | null;
  stdout: string;
  stderr: string;
  /** 'time' or 'memory' when the watchdog killed it. */
  killed: 'time' | 'memory' | null;
  peakRssBytes: number;
  ms: number;
}

export interface Bounds {
  /** Longest time without a new line on stdout (a run that makes progress may take longer). */
  idleMs: number;
  maxRssBytes: number;
  /** Stop after it printed this (serve: the URL line), counting it as success. */
  stopWhen?: RegExp;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export function runWatched(command: string, args: string[], b: Bounds): Promise<Watched> {
  const t0 = Date.now();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: b.env ?? process.env, cwd: b.cwd });
  let stdout = '';
  let stderr = '';
  let lastOutput = Date.now();
  let killed: Watched['killed'] = null;
  let peak = 0;
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    lastOutput = Date.now();
    if (b.stopWhen?.test(stdout) && child.exitCode === null) child.kill('SIGTERM');
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setInterval(() => {
    if (child.pid === undefined || child.exitCode !== null) return;
    peak = Math.max(peak, rssOf(child.pid));
    if (peak > b.maxRssBytes) killed = 'memory';
    else if (Date.now() - lastOutput > b.idleMs) killed = 'time';
    if (killed) child.kill('SIGKILL');
  }, 25);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearInterval(timer);
      resolve({ code, stdout, stderr, killed, peakRssBytes: peak, ms: Date.now() - t0 });
    });
  });
}
