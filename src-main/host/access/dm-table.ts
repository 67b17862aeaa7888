import { childProcess } from '../child-process.ts';
import { devNumber, rdevOf } from './block-info.ts';

/** Bytes [start, start + bytes) of a device-mapper device that are bytes from `offset` of the device `rdev`. */
export interface LinearSegment {
  start: number;
  bytes: number;
  rdev: number;
  offset: number;
}

/** What a device-mapper table says of where its device's bytes are. */
export type DmMap = { linear: LinearSegment[] } | { targets: string[] };

/**
 * Reads a device-mapper table as `dmsetup table` prints one device's: "<start> <length> <target>
 * <args>" a line, in 512-byte sectors. A table of `linear` lines ("0 2048 linear 254:1 1024")
 * maps each piece onto a byte range of one device; any other target (snapshot, crypt, thin,
 * striped, ...) is named instead, its bytes not followed. Null for text that is no table.
 */
export function parseDmTable(text: string): DmMap | null {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (!lines.length) return null;
  const linear: LinearSegment[] = [];
  const others = new Set<string>();
  for (const line of lines) {
    const [start, length, target, ...args] = line.trim().split(/\s+/);
    if (!/^\d+$/.test(start ?? '') || !/^\d+$/.test(length ?? '') || !target) return null;
    const dev = /^(\d+):(\d+)$/.exec(args[0] ?? '');
    if (target === 'linear' && dev && /^\d+$/.test(args[1] ?? '')) {
      linear.push({ start: Number(start) * 512, bytes: Number(length) * 512, rdev: rdevOf(Number(dev[1]), Number(dev[2])), offset: Number(args[1]) * 512 });
    } else others.add(target);
  }
  return others.size ? { targets: [...others] } : { linear };
}

/** The table of the device-mapper device `rdev` (dmsetup, as root); null when it cannot be read. */
export function readDmTable(rdev: number): string | null {
  const [major, minor] = devNumber(rdev).split(':');
  try {
    return childProcess().execFileSync('dmsetup', ['table', '-j', major!, '-m', minor!], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
  } catch {
    return null; // no dmsetup, no permission, no such device
  }
}
