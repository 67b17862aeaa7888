import fs from 'node:fs';
import path from 'node:path';
import { SnapscopeError } from '../../../src-core/errors.ts';
import { devNumber } from './block-info.ts';
import { blockExtents, describeBytes, keyOf, overlapOf, readSysfs, type Extent, type Overlap, type ReadBlock } from './extents.ts';

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
   * Its bytes, then where they are beneath it: a loop device's in its backing file (from its
   * offset), a partition's in its disk, a mapped device's in its slaves (all of them), and so on
   * down. /dev/loop0 and /dev/loop1 over the same bytes of one image are those bytes. None for a missing path.
   */
  extents: Extent[];
  /** Bytes; 0 for a missing path or a stream (pipe, tty, character device). */
  size: number;
  stat: fs.Stats | null;
}

export function inspectTarget(p: string): Target {
  return inspectTargetReading(p, readSysfs);
}

/** inspectTarget reading block devices' sysfs entries with `read` (tests of device-mapper and md layouts read a directory laid out like sysfs). */
export function inspectTargetReading(p: string, read: ReadBlock): Target {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new SnapscopeError('io', `${p}: ${(e as Error).message}`, { device: p });
    return { path: p, real: path.join(realParent(p), path.basename(p)), kind: 'missing', key: null, extents: [], size: 0, stat: null };
  }
  const real = fs.realpathSync(p);
  const extents = extentsOf(st, p, read);
  if (st.isBlockDevice()) return { path: p, real, kind: 'block', key: keyOf(st), extents, size: extents[0]!.end, stat: st };
  const kind = st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'stream';
  return { path: p, real, kind, key: keyOf(st), extents, size: kind === 'file' ? st.size : 0, stat: st };
}

/** The extents of what `st` names (`name` in messages): a block device's own and all beneath it, or a file's whole inode. */
export function extentsOf(st: fs.Stats, name: string, read: ReadBlock = readSysfs): Extent[] {
  if (!st.isBlockDevice()) return [{ key: keyOf(st), start: 0, end: Infinity, name, depth: 0 }];
  const entry = read(st.rdev);
  if (!entry) throw new SnapscopeError('not-found', `${name}: the kernel has no block device ${devNumber(st.rdev)} (a device node left behind?)`, { device: name });
  return blockExtents(st.rdev, name, entry.bytes, read);
}

/** Whether two targets share a byte: one path, a link, another node, a loop device or partition over the other's bytes, or both over the same bytes. */
export function sameStorage(a: Target, b: Target): boolean {
  return overlapOf(a.extents, b.extents) !== null;
}

/**
 * Where a target's bytes finally are: the storage at the foot of each branch of its stack (a
 * whole-file loop device's file, a partition's bytes of its disk, an LVM volume's pieces), in the
 * order of the target's own bytes, adjacent pieces joined, a file up to its last whole 512-byte
 * sector (a loop device over all of it ends there: the kernel leaves out a tail shorter than a
 * sector, and no store's chunk lies in it). Null for a missing path, for a target built on a
 * device whose map is not read, and for one that does not give back the bytes beneath as stored
 * (dm-crypt, flakey, dust, a delay that writes elsewhere, verity): it is only itself.
 */
export function feetOf(t: Target): Extent[] | null {
  if (!t.extents.length || t.extents.some((e) => e.unmapped !== undefined || e.altered)) return null;
  const feet: Extent[] = [];
  for (const [i, e] of t.extents.entries()) {
    if ((t.extents[i + 1]?.depth ?? -1) > e.depth) continue; // something beneath it: not a foot
    const last = feet.at(-1);
    if (last?.key === e.key && last.end === e.start) feet[feet.length - 1] = { ...last, end: e.end };
    else feet.push({ ...e, end: e.end === Infinity ? t.size - (t.size % 512) : e.end });
  }
  return feet;
}

/**
 * Its feet as one key: two targets with one key hold the same bytes in the same order — one
 * store, whatever node, link, loop device or partition names it. A target whose feet are not read
 * is keyed by itself. Null for a missing path.
 */
export function bytesKey(t: Target): string | null {
  const own = t.extents[0];
  if (!own) return null;
  return feetOf(t)?.map((e) => `${e.key}@${e.start}..${e.end}`).join(',') ?? own.key;
}

/** The refusal of an origin and a COW that share a byte, as the CLI and the API both say it; null when they share none. */
export function originCowShared(originPath: string, cowPath: string): string | null {
  const shared = describeShared(inspectTarget(originPath), inspectTarget(cowPath));
  return shared && `the origin ${originPath} and the COW ${cowPath} ${shared}`;
}

/** The identity key of an open fd (the same as inspectTarget's for its path, unless it was swapped meanwhile). */
export function fdKey(fd: number): string {
  return keyOf(fs.fstatSync(fd));
}

/**
 * Refuses an output that shares a byte with one of the inputs: writing it would destroy what is
 * being read. The message says where: "refusing to write /dev/loop1: bytes 0..16 MiB of img.raw
 * are also /dev/loop0, an input of this command".
 */
export function assertNotAnInput(out: Target, inputs: readonly Target[], hint = ''): void {
  for (const input of inputs) {
    const o = overlapOf(out.extents, input.extents);
    if (o) throw new SnapscopeError('usage', `refusing to write ${out.path}: ${whyOverlap(o, out, input)}${hint}`, { device: out.path });
  }
}

/** Why `out` is (part of) `input`, from where their extents meet. */
function whyOverlap(o: Overlap, out: Target, input: Target): string {
  const bytes = describeBytes(o.start, o.end);
  const unmapped = o.a.unmapped ?? o.b.unmapped;
  const why = unmapped ? ` (${unmapped})` : '';
  if (o.aOwn && o.bOwn) return `it is also an input of this command${input.path === out.path ? '' : ` (${out.path} is ${input.path})`}`;
  if (o.aOwn) return `its ${bytes} are ${input.path}, an input of this command${why}`;
  if (o.bOwn) return `it is ${bytes} of ${input.path}, an input of this command${why}`;
  return `${bytes} of ${o.a.name} are also ${input.path}, an input of this command${why}`;
}

/** How two targets share bytes, for a refusal of them both: "are the same file or device", "share bytes 1..2 MiB of img.raw". */
export function describeShared(a: Target, b: Target): string | null {
  const o = overlapOf(a.extents, b.extents);
  if (!o) return null;
  if (o.aOwn && o.bOwn) return 'are the same file or device';
  const unmapped = o.a.unmapped ?? o.b.unmapped;
  return `share ${describeBytes(o.start, o.end)} of ${o.a.name}${unmapped ? ` (${unmapped})` : ''}`;
}

function realParent(p: string): string {
  const dir = path.dirname(path.resolve(p));
  try {
    return fs.realpathSync(dir);
  } catch {
    throw new SnapscopeError('io', `${p}: directory ${dir} does not exist`, { device: p });
  }
}
