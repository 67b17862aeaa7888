import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './demo-store.ts';

export interface Served {
  url: string;
  /** The server's process id (the UI bench reads its memory). */
  pid: number;
  stop(): Promise<void>;
}

/** Starts `snapscope serve [cow [--origin origin]] [--write]` and resolves with the URL it prints. */
export async function serve(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'bin', 'snapscope.mjs'), 'serve', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
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
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
