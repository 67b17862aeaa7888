import os from 'node:os';
import path from 'node:path';
import type { HostConfig } from './context.ts';
import { chooseHelper } from './helper-launch.ts';

/** Where snapscope keeps its data: $XDG_DATA_HOME/snapscope or ~/.local/share/snapscope. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env['XDG_DATA_HOME'] || path.join(os.homedir(), '.local', 'share'), 'snapscope');
}

export function hostConfig(mode: HostConfig['mode'], version: string, dataDir = defaultDataDir()): HostConfig {
  return { mode, version, dataDir, helper: chooseHelper(process.env, mode !== 'electron' && process.stdin.isTTY === true) };
}
