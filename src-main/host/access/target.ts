import fs from 'node:fs';
import path from 'node:path';
import { SnapscopeError } from '../../../src-core/errors.ts';
import { blockDeviceBytes, loopBackingFile } from './block-info.ts';

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
  /**
   * The keys of what a loop device writes through to: its backing file (or device), and that one's
   * if it is a loop device too. /dev/loop0 and /dev/loop1 over one image are that image.
   */
  beneath: string[];
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
    return { path: p, real: path.join(realParent(p), path.basename(p)), kind: 'missing', key: null, beneath: [], size: 0, stat: null };
  }
  const real = fs.realpathSync(p);
  if (st.isBlockDevice()) return { path: p, real, kind: 'block', key: `b${st.rdev}`, beneath: loopsBeneath(st.rdev), size: blockDeviceBytes(st.rdev), stat: st };
  const key = `i${st.dev}:${st.ino}`;
  if (st.isFile()) return { path: p, real, kind: 'file', key, beneath: [], size: st.size, stat: st };
  if (st.isDirectory()) return { path: p, real, kind: 'directory', key, beneath: [], size: 0, stat: st };
  return { path: p, real, kind: 'stream', key, beneath: [], size: 0, stat: st };
}

/** Every key of a target: its own and those of what it writes through to. */
export function storageKeys(t: Pick<Target, 'key' | 'beneath'>): string[] {
  return t.key === null ? [] : [t.key, ...t.beneath];
}

/** Whether two targets reach the same data: one path, a link, another node, or a loop device over the other (or over the same file). */
export function sameStorage(a: Target, b: Target): boolean {
  const keys = storageKeys(a);
  return storageKeys(b).some((k) => keys.includes(k));
}

/** The backing files of a loop device, then of a loop device under it, and so on. */
export function loopsBeneath(rdev: number): string[] {
  const keys: string[] = [];
  for (let backing = loopBackingFile(rdev); backing !== null && keys.length < 8; ) {
    let st: fs.Stats;
    try {
      st = fs.statSync(backing);
    } catch {
      break; // deleted, or in another mount namespace: nothing a path can name
    }
    keys.push(st.isBlockDevice() ? `b${st.rdev}` : `i${st.dev}:${st.ino}`);
    backing = st.isBlockDevice() ? loopBackingFile(st.rdev) : null;
  }
  return keys;
}

/** The identity key of an open fd (the same as inspectTarget's for its path, unless it was swapped meanwhile). */
export function fdKey(fd: number): string {
  const st = fs.fstatSync(fd);
  return st.isBlockDevice() ? `b${st.rdev}` : `i${st.dev}:${st.ino}`;
}

/** Refuses an output that is one of the inputs: writing it would destroy what is being read. */
export function assertNotAnInput(out: Target, inputs: readonly Target[], hint = ''): void {
  const same = inputs.find((i) => sameStorage(i, out));
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
    throw new SnapscopeError('io', `${p}: directory ${dir} does not exist`, { device: p });
  }
}
