import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { tempDir } from './cli.ts';

/** A tmpfs of `kib` KiB, unmounted after the test; null without root (mount). */
export function tinyFs(kib: number): string | null {
  const dir = tempDir();
  const at = path.join(dir, 'mnt');
  fs.mkdirSync(at);
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', at]).status !== 0) return null;
  onTestFinished(() => void spawnSync('umount', [at]));
  return at;
}

export const needsRoot = process.getuid?.() === 0 ? null : 'needs root to mount a tmpfs';
