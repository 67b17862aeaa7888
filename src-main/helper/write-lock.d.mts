import type { spawnSync } from 'node:child_process';

export type LockResult = 'locked' | 'conflict' | 'unavailable';
export type WriteLockResult = 'locked' | 'conflict' | 'foreign' | 'flock-only';
export interface LockTools {
  perl: string;
  flock: string;
  env: NodeJS.ProcessEnv | undefined;
}
export declare const WRITE_LOCK: string;
export declare const PATH_TOOLS: LockTools;
export declare function flockWith(spawn: typeof spawnSync, fd: number, mode: 'shared' | 'exclusive', tools?: LockTools): LockResult;
export declare function writeLockWith(spawn: typeof spawnSync, fd: number, tools?: LockTools): WriteLockResult;
export declare function systemTools(exists: (path: string) => boolean): LockTools;
