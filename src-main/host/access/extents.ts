import fs from 'node:fs';
import { devNumber, readBlockEntry, type BlockEntry } from './block-info.ts';
import { parseDmTable, readDmTable } from './dm-table.ts';

/**
 * Where a target's bytes are: bytes [start, end) of the storage named `key` (a block device by its
 * device number, anything else by st_dev:st_ino). A target has its own extent first, then one for
 * each storage it reads and writes through: a loop device's backing file from its offset, a
 * partition's disk from its start, a device-mapper device's pieces, and so on down. Two targets are the same storage where two of
 * their extents share a key and a byte.
 */
export interface Extent {
  key: string;
  start: number;
  /** Infinity for a file: it may grow. */
  end: number;
  /** The storage's name for messages: the path given, a loop's backing file, /dev/<kernel name>. */
  name: string;
  /** 0 for the target's own, 1 for what it maps onto directly, and so on down (the extents are listed depth first). */
  depth: number;
  /** Why all of this storage counts, when the map onto it is not read: "/dev/dm-3 is built on /dev/sda1 ...". */
  unmapped?: string | undefined;
  /**
   * Set where the target reaches these bytes but does not give them back as stored (dm-crypt,
   * flakey, dust, a delay that writes elsewhere, verity): they share these bytes, but are not the same data.
   */
  altered?: true | undefined;
}

/** How a layer's extents and those beneath it are reached: what all of them carry. */
type Reach = Pick<Extent, 'unmapped' | 'altered'>;

/** How a block device's sysfs entry is read: sysfs itself, or in tests a directory laid out like it. */
export type ReadBlock = (rdev: number) => BlockEntry | null;

/** Sysfs, and a device-mapper device's table from dmsetup (only a device-mapper device in the stack costs that child process). */
export const readSysfs: ReadBlock = (rdev) => {
  const entry = readBlockEntry(rdev, '/sys');
  if (entry?.slaves?.kind === 'device-mapper') entry.slaves.table = readDmTable(rdev);
  return entry;
};

/** The key of what a stat names: a block device by its device number, anything else by its inode (bigint stats spell the same digits). */
export function keyOf(st: fs.Stats | fs.BigIntStats): string {
  return st.isBlockDevice() ? `b${st.rdev}` : `i${st.dev}:${st.ino}`;
}

/** The extents of a block device of `bytes`: itself, then everything beneath it. */
export function blockExtents(rdev: number, name: string, bytes: number, read: ReadBlock): Extent[] {
  const extents: Extent[] = [{ key: `b${rdev}`, start: 0, end: bytes, name, depth: 0 }];
  beneath(rdev, 0, bytes, read, {}, extents, 0);
  return extents;
}

/** Adds the extents under bytes [start, end) of the block device `rdev`, mapped onto each storage below. */
function beneath(rdev: number, start: number, end: number, read: ReadBlock, reach: Reach, extents: Extent[], depth: number): void {
  // A stack is a few layers deep (the kernel refuses a loop device over itself); the bound is a safety net.
  const entry = depth < 16 ? read(rdev) : null;
  if (entry === null) return;
  if (entry.loop) {
    let st: fs.Stats;
    try {
      st = fs.statSync(entry.loop.backing);
    } catch {
      return; // deleted, or in another mount namespace: nothing a path can name
    }
    const [s, e] = [entry.loop.offset + start, entry.loop.offset + end];
    extents.push({ key: keyOf(st), start: s, end: e, name: entry.loop.backing, depth: depth + 1, ...reach });
    if (st.isBlockDevice()) beneath(st.rdev, s, e, read, reach, extents, depth + 1);
  }
  if (entry.partition) {
    const [s, e] = [entry.partition.start + start, entry.partition.start + end];
    const disk = read(entry.partition.disk)?.name;
    extents.push({ key: `b${entry.partition.disk}`, start: s, end: e, name: disk ? `/dev/${disk}` : `the disk of /dev/${entry.name}`, depth: depth + 1, ...reach });
    beneath(entry.partition.disk, s, e, read, reach, extents, depth + 1);
  }
  if (!entry.slaves) return;
  // A device-mapper table of pieces each mapped sector for sector (linear, crypt, ...) puts each piece on bytes of one device.
  const map = entry.slaves.table ? parseDmTable(entry.slaves.table) : null;
  if (map && 'linear' in map) {
    for (const piece of map.linear) {
      const [s, e] = [Math.max(start, piece.start), Math.min(end, piece.start + piece.bytes)];
      if (s >= e) continue;
      const below = read(piece.rdev);
      // A piece read whole whichever of its bytes are used (verity's hash tree) reaches to the device's end.
      const [bs, be] = piece.toEnd ? [piece.offset, below?.bytes ?? Infinity] : [piece.offset + s - piece.start, piece.offset + e - piece.start];
      if (bs >= be) continue;
      const under: Reach = piece.altered ? { ...reach, altered: true } : reach;
      extents.push({ key: `b${piece.rdev}`, start: bs, end: be, name: below ? `/dev/${below.name}` : `device ${devNumber(piece.rdev)}`, depth: depth + 1, ...under });
      beneath(piece.rdev, bs, be, read, under, extents, depth + 1);
    }
    return;
  }
  // Any other map (md, snapshot, thin, a table that could not be read) is not followed: each slave counts whole.
  const how =
    entry.slaves.kind === 'md' ? 'its RAID layout is not read'
    : entry.slaves.kind === 'other' ? 'how it maps onto it is not known'
    : map && 'targets' in map ? `its device-mapper table (${map.targets.join(', ')}) maps no fixed bytes`
    : 'its device-mapper table could not be read';
  for (const slave of entry.slaves.rdevs) {
    const below = read(slave);
    if (below === null) continue;
    const name = `/dev/${below.name}`;
    const under: Reach = { ...reach, unmapped: reach.unmapped ?? `/dev/${entry.name} is built on ${name}, and ${how}: all of ${name} counts` };
    extents.push({ key: `b${slave}`, start: 0, end: below.bytes, name, depth: depth + 1, ...under });
    beneath(slave, 0, below.bytes, read, under, extents, depth + 1);
  }
}

/** Where two targets' extents meet: the two extents (with whether each is its target's own) and the shared bytes. */
export interface Overlap {
  a: Extent;
  b: Extent;
  aOwn: boolean;
  bOwn: boolean;
  start: number;
  end: number;
}

/**
 * The first place, from the top of `a`'s stack, where `a` and `b` reach the same bytes; null
 * when they share none. Two names of one storage overlap whatever its size (an empty device too).
 */
export function overlapOf(a: readonly Extent[], b: readonly Extent[]): Overlap | null {
  if (a.length && b.length && a[0]!.key === b[0]!.key) return { a: a[0]!, b: b[0]!, aOwn: true, bOwn: true, start: a[0]!.start, end: a[0]!.end };
  for (const [i, x] of a.entries()) {
    for (const [j, y] of b.entries()) {
      const [start, end] = [Math.max(x.start, y.start), Math.min(x.end, y.end)];
      if (x.key === y.key && start < end) return { a: x, b: y, aOwn: i === 0, bOwn: j === 0, start, end };
    }
  }
  return null;
}

/** "bytes 1..3 MiB", "bytes 3584..4096 KiB", "bytes 1000..1512": the largest unit both ends are whole in. */
export function describeBytes(start: number, end: number): string {
  const to = end === Infinity ? 'end' : null;
  for (const [unit, size] of [['MiB', 1 << 20], ['KiB', 1024]] as const) {
    if (start % size === 0 && (to || end % size === 0)) return `bytes ${start / size}..${to ?? end / size} ${unit}`;
  }
  return `bytes ${start}..${to ?? end}`;
}
