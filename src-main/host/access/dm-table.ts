import { childProcess } from '../child-process.ts';
import { devNumber, rdevOf } from './block-info.ts';

/** Bytes [start, start + bytes) of a device-mapper device that are bytes from `offset` of the device `rdev`. */
export interface LinearSegment {
  start: number;
  bytes: number;
  rdev: number;
  offset: number;
  /**
   * They are those bytes of `rdev`, but not what the device gives back: stored encrypted (dm-crypt),
   * with faults injected (flakey, dust), written to another device than they are read from (delay),
   * verified against a hash tree (verity).
   */
  altered?: true;
  /** Not sector for sector: whichever of the piece's bytes are used, it reads `rdev` from `offset` to its end (verity's hash tree). */
  toEnd?: true;
}

/** What a device-mapper table says of where its device's bytes are. */
export type DmMap = { linear: LinearSegment[] } | { targets: string[] };

/**
 * Reads a device-mapper table as `dmsetup table` prints one device's: "<start> <length> <target>
 * <args>" a line, in 512-byte sectors. The targets whose map says which sectors of which device
 * each sector is are followed, each piece onto a byte range of each device it reaches (kernel
 * Documentation/admin-guide/device-mapper, and each target's ctr and status):
 * - `linear <dev> <offset>`;
 * - `crypt <cipher> <key> <iv_offset> <dev> <offset> [<#opt> <opt>...]`, encrypted;
 * - `flakey <dev> <offset> <up> <down> [<#features> ...]` and `dust <dev> <offset> <blksz>`: sector
 *   for sector, with faults injected;
 * - `delay <dev> <offset> <delay> [<dev> <offset> <delay> [<dev> <offset> <delay>]]`: reads, writes
 *   and flushes (with their data), each sector for sector onto its device; over one place, as linear;
 * - `snapshot-origin <dev>`: its map keeps the sector, so a piece at `start` is from `start` of dev;
 * - `verity <version> <data dev> <hash dev> <data block> <hash block> <#blocks> <hash start> ...`:
 *   its data sector for sector from sector 0 of the data device (the kernel's data_start is 0), and
 *   the hash device from its hash start block to its end (the tree's size depends on the digest's),
 *   a `use_fec_from_device <dev>` all of it; read-only, verified.
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
    const pieces = piecesOf(target, args, Number(start));
    if (!pieces) others.add(target);
    for (const p of pieces ?? []) {
      linear.push({ start: Number(start) * 512, bytes: Number(length) * 512, rdev: rdevOf(p.major, p.minor), offset: p.byte, ...(p.altered && { altered: true }), ...(p.toEnd && { toEnd: true }) });
    }
  }
  return others.size ? { targets: [...others] } : { linear };
}

/** Where a line's piece lies on one device: its number ("major:minor", as dmsetup prints it) and the byte its first sector maps to. */
interface Piece {
  major: number;
  minor: number;
  byte: number;
  altered: boolean;
  toEnd: boolean;
}

/** Where a target line's pieces lie, one per device place it reaches; null for a target not followed (or a line too short for it). */
function piecesOf(target: string, args: string[], start: number): Piece[] | null {
  const at = (dev: string | undefined, sector: string | undefined, altered: boolean, unit = 512, toEnd = false): Piece | null => {
    const d = /^(\d+):(\d+)$/.exec(dev ?? '');
    return d && /^\d+$/.test(sector ?? '') ? { major: Number(d[1]), minor: Number(d[2]), byte: Number(sector) * unit, altered, toEnd } : null;
  };
  switch (target) {
    case 'linear':
      return all([at(args[0], args[1], false)]);
    case 'crypt':
      return all([at(args[3], args[4], true)]);
    case 'flakey':
    case 'dust':
      return all([at(args[0], args[1], true)]);
    case 'snapshot-origin':
      return args.length === 1 ? all([at(args[0], String(start), false)]) : null;
    case 'delay':
      return delayPieces(args, at);
    case 'verity':
      return verityPieces(args, at);
    default:
      return null;
  }
}

type At = (dev: string | undefined, sector: string | undefined, altered: boolean, unit?: number, toEnd?: boolean) => Piece | null;

/** delay's read, write and flush places (3, 6 or 9 arguments), each once; more than one place: what is read is not what was written. */
function delayPieces(args: string[], at: At): Piece[] | null {
  if (args.length !== 3 && args.length !== 6 && args.length !== 9) return null;
  const places = new Map<string, Piece>();
  for (let i = 0; i < args.length; i += 3) {
    const p = at(args[i], args[i + 1], false);
    if (!p) return null;
    places.set(`${p.major}:${p.minor}@${p.byte}`, p);
  }
  const pieces = [...places.values()];
  return pieces.length > 1 ? pieces.map((p) => ({ ...p, altered: true })) : pieces;
}

/** verity's data device (sector for sector from 0), its hash device (from the hash start block on) and a forward-error-correction device (all of it). */
function verityPieces(args: string[], at: At): Piece[] | null {
  if (args.length < 10 || !/^\d+$/.test(args[4] ?? '')) return null;
  const pieces = [at(args[1], '0', true), at(args[2], args[6], true, Number(args[4]), true)];
  const fec = args.indexOf('use_fec_from_device', 10);
  if (fec >= 0) pieces.push(at(args[fec + 1], '0', true, 512, true));
  return all(pieces);
}

/** The pieces, or null when one of them could not be read. */
const all = (pieces: (Piece | null)[]): Piece[] | null => (pieces.every((p) => p !== null) ? pieces : null);

/** The table of the device-mapper device `rdev` (dmsetup, as root); null when it cannot be read. */
export function readDmTable(rdev: number): string | null {
  const [major, minor] = devNumber(rdev).split(':');
  try {
    return childProcess().execFileSync('dmsetup', ['table', '-j', major!, '-m', minor!], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
  } catch {
    return null; // no dmsetup, no permission, no such device
  }
}
