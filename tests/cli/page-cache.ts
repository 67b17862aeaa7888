import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Bytes of `file` in the page cache (util-linux fincore); null without fincore. */
export function cached(file: string): number | null {
  const r = spawnSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', file], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}

/** Whether the file system under `dir` takes O_DIRECT opens (some may not). */
export function directIo(dir: string): boolean {
  const probe = path.join(dir, 'probe');
  fs.writeFileSync(probe, Buffer.alloc(4096));
  try {
    fs.closeSync(fs.openSync(probe, fs.constants.O_RDONLY | fs.constants.O_DIRECT));
    return true;
  } catch {
    return false;
  } finally {
    fs.rmSync(probe);
  }
}
