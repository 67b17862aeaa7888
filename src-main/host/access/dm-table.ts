import { childProcess } from '../child-process.ts';
import { devNumber, rdevOf } from './block-info.ts';

/** Bytes [start, start + bytes) of a device-mapper device that are bytes from `offset` of the device `rdev`. */
export interface LinearSegment {
  start: number;
  bytes: number;
  rdev: number;
  offset: number;
  /** Stored encrypted there (dm-crypt): they are those bytes of `rdev`, but not the same data. */
  encrypted?: true;
}

/** What a device-mapper table says of where its device's bytes are. */
export type DmMap = { linear: LinearSegment[] } | { targets: string[] };

/**
 * Reads a device-mapper table as `dmsetup table` prints one device's: "<start> <length> <target>
 * <args>" a line, in 512-byte sectors. The targets that map each sector onto one sector of one
 * device are followed, each piece onto a byte range of that device (docs of each target in the
 * kernel's Documentation/admin-guide/device-mapper):
 * - `linear <dev> <offset>`;
 * - `crypt <cipher> <key> <iv_offset> <dev> <offset> [<#opt> <opt>...]`, encrypted;
 * - `delay <dev> <offset> <delay>` (with one device: its other forms send writes elsewhere);
 * - `snapshot-origin <dev>`: its map keeps the sector, so a piece at `start` is from `start` of dev.
 * Any other target (snapshot, thin, striped, raid, ...) is named instead, its bytes not followed.
 * Null for text that is no table.
 */
export function parseDmTable(text: string): DmMap | null {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (!lines.length) return null;
  const linear: LinearSegment[] = [];
  const others = new Set<string>();
  for (const line of lines) {
    const [start, length, target, ...args] = line.trim().split(/\s+/);
    if (!/^\d+$/.test(start ?? '') || !/^\d+$/.test(length ?? '') || !target) return null;
    const piece = pieceOf(target, args, Number(start));
    if (piece) linear.push({ start: Number(start) * 512, bytes: Number(length) * 512, rdev: rdevOf(piece.major, piece.minor), offset: piece.sector * 512, ...(piece.encrypted && { encrypted: true }) });
    else others.add(target);
  }
  return others.size ? { targets: [...others] } : { linear };
}

/** Where a target line's piece lies: the device ("major:minor", as dmsetup prints it) and sector its first sector maps to; null for a target not followed. */
function pieceOf(target: string, args: string[], start: number): { major: number; minor: number; sector: number; encrypted: boolean } | null {
  const at = (dev: string | undefined, sector: string | undefined, encrypted = false) => {
    const d = /^(\d+):(\d+)$/.exec(dev ?? '');
    return d && /^\d+$/.test(sector ?? '') ? { major: Number(d[1]), minor: Number(d[2]), sector: Number(sector), encrypted } : null;
  };
  if (target === 'linear') return at(args[0], args[1]);
  if (target === 'crypt') return at(args[3], args[4], true);
  if (target === 'delay' && args.length === 3) return at(args[0], args[1]);
  if (target === 'snapshot-origin' && args.length === 1) return at(args[0], String(start));
  return null;
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
