import fs from 'node:fs';

/** "major:minor" of a device number, as sysfs and /proc/self/mountinfo spell it. */
export function devNumber(rdev: number): string {
  const r = BigInt(rdev);
  return `${Number((r >> 8n) & 0xfffn)}:${Number((r & 0xffn) | ((r >> 12n) & 0xfff00n))}`;
}

function sysAttribute(rdev: number, attribute: string): string | null {
  try {
    return fs.readFileSync(`/sys/dev/block/${devNumber(rdev)}/${attribute}`, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Size in bytes of a block device: sysfs counts 512-byte sectors whatever the logical block size (st_size is 0). */
export function blockDeviceBytes(rdev: number): number {
  const sectors = sysAttribute(rdev, 'size');
  if (sectors === null || !/^\d+$/.test(sectors)) throw new Error(`no size in /sys/dev/block/${devNumber(rdev)}`);
  return Number(sectors) * 512;
}

/** The kernel's read-only flag (what BLKROGET returns): `losetup -r`, `blockdev --setro`, write-protected media. */
export function blockDeviceReadOnly(rdev: number): boolean {
  return sysAttribute(rdev, 'ro') === '1';
}

/** What sysfs says of a block device and of what lies beneath it: all that an overlap needs. */
export interface BlockEntry {
  /** The kernel's name: loop0, sda1, dm-3. */
  name: string;
  bytes: number;
  /** A loop device: the file or device it reads and writes, from `offset` on (`bytes` of it). */
  loop?: { backing: string; offset: number };
  /** A partition: its disk, and the byte of the disk it starts at. */
  partition?: { disk: number; start: number };
  /**
   * A device built on others (device-mapper, md): those, and what kind of map puts it on them.
   * `table`: a device-mapper device's table as dmsetup prints it, null when it could not be read,
   * undefined when not looked at (dm-table.ts; sysfs does not show it).
   */
  slaves?: { rdevs: number[]; kind: 'device-mapper' | 'md' | 'other'; table?: string | null };
}

/**
 * Reads one block device's entry in sysfs (/sys/dev/block/<major:minor>): its size, a loop's
 * backing file and offset, a partition's disk and start, a mapped device's slaves. `sys` is /sys
 * but in tests of layouts a test machine cannot make (device-mapper, md), which lay out a
 * directory like it. Null when sysfs has no such device.
 */
export function readBlockEntry(rdev: number, sys = '/sys'): BlockEntry | null {
  const dir = `${sys}/dev/block/${devNumber(rdev)}`;
  const read = (file: string): string | null => {
    try {
      return fs.readFileSync(`${dir}/${file}`, 'utf8');
    } catch {
      return null;
    }
  };
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch {
    return null;
  }
  const sectors = read('size')?.trim();
  if (!sectors || !/^\d+$/.test(sectors)) return null;
  const entry: BlockEntry = { name: real.slice(real.lastIndexOf('/') + 1), bytes: Number(sectors) * 512 };
  const backing = read('loop/backing_file')?.replace(/\n$/, ''); // one line; the name itself may end in spaces
  if (backing) entry.loop = { backing, offset: Number(read('loop/offset') ?? 0) };
  const start = read('partition') !== null ? read('start') : null;
  const disk = start !== null ? readDevFile(`${real.slice(0, real.lastIndexOf('/'))}/dev`) : null;
  if (start !== null && disk !== null) entry.partition = { disk, start: Number(start) * 512 };
  let slaves: string[] = [];
  try {
    slaves = fs.readdirSync(`${dir}/slaves`);
  } catch {
    // none: a disk, a partition
  }
  const rdevs = slaves.map((s) => readDevFile(`${dir}/slaves/${s}/dev`)).filter((d): d is number => d !== null);
  if (rdevs.length) entry.slaves = { rdevs, kind: fs.existsSync(`${dir}/dm`) ? 'device-mapper' : fs.existsSync(`${dir}/md`) ? 'md' : 'other' };
  return entry;
}

/** The device number in a sysfs `dev` file ("major:minor"), as stat's rdev spells it; null when unreadable. */
function readDevFile(file: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
  const m = /^(\d+):(\d+)$/.exec(text);
  return m ? rdevOf(Number(m[1]), Number(m[2])) : null;
}

/** The device number stat's rdev gives a device of that major and minor (glibc's makedev). */
export function rdevOf(major: number, minor: number): number {
  const [j, n] = [BigInt(major), BigInt(minor)];
  return Number((n & 0xffn) | ((j & 0xfffn) << 8n) | ((n & ~0xffn) << 12n) | ((j & ~0xfffn) << 32n));
}
