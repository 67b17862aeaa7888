import { spawn } from 'node:child_process';

/**
 * `n` processes that spin on the CPU until stopped: a busy machine (CI's two shared cores ran the
 * whole suite at once), so a promise about time is tested where it broke. Stopped on exit too.
 */
export function cpuLoad(n = 2): { stop(): void } {
  const hogs = Array.from({ length: n }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  const stop = (): void => {
    for (const hog of hogs) if (hog.exitCode === null && hog.signalCode === null) hog.kill('SIGKILL');
  };
  process.once('exit', stop);
  return {
    stop(): void {
      process.removeListener('exit', stop);
      stop();
    },
  };
}
