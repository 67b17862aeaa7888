import fs from 'node:fs';
import path from 'node:path';
import { SnapscopeError } from '../../../src-core/errors.ts';
import { blockDeviceBytes } from './block-info.ts';

export type TargetKind = 'file' | 'block' | 'missing' | 'directory' | 'stream';

/** What a path names, after resolving symlinks: its kind, identity and size. */
export interface Target {
  /** As the user gave it (for messages). */
  path: string;
  /** After realpath (the parent's realpath for a missing path): where temp files and renames go. */
  real: string;
  kind: TargetKind;
  /** Equal for two paths that reach the same data: a block device by its device number, anything else by st_dev:st_ino. */
  key: string | null;
  /** Bytes; 0 for a missing path or a stream (pipe, tty, character device). */
  size: number;
  stat: fs.Stats | null;
}

export function inspectTarget(p: string): Target {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new SnapscopeError('io', `${p}: ${(e as Error).message}`, { device: p });
    return { path: p, real: path.join(realParent(p), path.basename(p)), kind: 'missing', key: null, size: 0, stat: null };
  }
  const real = fs.realpathSync(p);
  if (st.isBlockDevice()) return { path: p, real, kind: 'block', key: `b${st.rdev}`, size: blockDeviceBytes(st.rdev), stat: st };
  const key = `i${st.dev}:${st.ino}`;
  if (st.isFile()) return { path: p, real, kind: 'file', key, size: st.size, stat: st };
  if (st.isDirectory()) return { path: p, real, kind: 'directory', key, size: 0, stat: st };
  return { path: p, real, kind: 'stream', key, size: 0, stat: st };
}

/** The identity key of an open fd (the same as inspectTarget's for its path, unless it was swapped meanwhile). */
export function fdKey(fd: number): string {
  const st = fs.fstatSync(fd);
  return st.isBlockDevice() ? `b${st.rdev}` : `i${st.dev}:${st.ino}`;
}

/** Refuses an output that is one of the inputs: writing it would destroy what is being read. */
export function assertNotAnInput(out: Target, inputs: readonly Target[], hint = ''): void {
  const same = inputs.find((i) => i.key !== null && i.key === out.key);
  if (same) {
    const alias = same.path === out.path ? '' : ` (${out.path} is ${same.path})`;
    throw new SnapscopeError('usage', `refusing to write ${out.path}: it is also an input of this command${alias}${hint}`, { device: out.path });
  }
}

function realParent(p: string): string {
  const dir = path.dirname(path.resolve(p));
  try {
    return fs.realpathSync(dir);
  } catch {
    throw new SnapscopeError('usage', `${p}: directory ${dir} does not exist`, { device: p });
  }
}
