import type * as ChildProcess from 'node:child_process';
import { createRequire } from 'node:module';

let loaded: typeof ChildProcess | null = null;

/**
 * node:child_process, loaded on first use. Loading it pulls in net, dgram and streams: about a
 * tenth of `node -e 0` that a CLI reader, which spawns nothing, should not pay (issue 16).
 */
export function childProcess(): typeof ChildProcess {
  return (loaded ??= createRequire(import.meta.url)('node:child_process') as typeof ChildProcess);
}
