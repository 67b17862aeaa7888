import fs from 'node:fs';
import { serve as serveUi } from '../../e2e/server.ts';

export interface BenchServer {
  url: string;
  /** Largest resident set of the server process seen by `sample()`, in bytes. */
  peakRss: number;
  sample(): void;
  stop(): Promise<void>;
}

/** `snapscope serve [args]` as the e2e specs start it (with `env` added), with its memory sampled from /proc. */
export async function serve(args: string[], dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<BenchServer> {
  const served = await serveUi(args, { XDG_DATA_HOME: dataDir, HOME: dataDir, ...env });
  const server: BenchServer = {
    url: served.url,
    peakRss: 0,
    sample() {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${served.pid}/status`, 'utf8'));
        if (m) server.peakRss = Math.max(server.peakRss, Number(m[1]) * 1024);
      } catch {
        // not Linux, or the process ended: no figure
      }
    },
    stop: () => served.stop(),
  };
  return server;
}
