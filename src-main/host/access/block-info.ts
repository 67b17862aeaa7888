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

/** The file (or device) a loop device reads and writes, as the kernel names it now; null for any other device or a detached loop. */
export function loopBackingFile(rdev: number): string | null {
  try {
    // One line; the name itself may end in spaces.
    return fs.readFileSync(`/sys/dev/block/${devNumber(rdev)}/loop/backing_file`, 'utf8').replace(/\n$/, '') || null;
  } catch {
    return null;
  }
}
