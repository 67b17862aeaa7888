import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface BenchServer {
  url: string;
  /** Largest resident set of the server process seen by `sample()`, in bytes. */
  peakRss: number;
  sample(): void;
  stop(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

/** `snapscope serve [args]`, with its process id so its memory can be read. */
export async function serve(args: string[], dataDir: string): Promise<BenchServer> {
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'bin', 'snapscope.mjs'), 'serve', ...args], {
    cwd: ROOT,
    env: { ...process.env, XDG_DATA_HOME: dataDir, HOME: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /snapscope: serving (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
  const server: BenchServer = {
    url,
    peakRss: 0,
    sample() {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) server.peakRss = Math.max(server.peakRss, Number(m[1]) * 1024);
      } catch {
        // not Linux, or the process ended: no figure
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
  return server;
}
