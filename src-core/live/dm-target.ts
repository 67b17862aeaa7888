/**
 * The device-mapper snapshot targets as `dmsetup table` and `dmsetup status` print them, decoded
 * once. The words are the kernel's (drivers/md/dm-snap.c, snapshot_status / origin_status):
 *
 *   table   snapshot        <origin> <cow> P|PO|N <chunk sectors> [<#features> <feature>...]
 *   table   snapshot-merge  (the same arguments)
 *   table   snapshot-origin <origin>
 *   status  snapshot[-merge] <allocated>/<total> <metadata>   (sectors; or Invalid, Merge failed,
 *                                                               Overflow, Unknown)
 *   status  snapshot-origin (nothing)
 */
import { SnapscopeError } from '../errors.ts';

export type SnapshotTargetKind = 'snapshot' | 'snapshot-merge' | 'snapshot-origin';
export type StoreType = 'P' | 'PO' | 'N';

/** The kernel's state words; 'active' is our name for a numeric status. */
export type SnapshotState = 'active' | 'Invalid' | 'Merge failed' | 'Overflow' | 'Unknown';

/** One line of `dmsetup table`, for a snapshot target. Devices are as the kernel names them ("254:16"). */
export interface SnapshotTable {
  kind: SnapshotTargetKind;
  startSector: number;
  sectors: number;
  origin: string;
  /** Absent for snapshot-origin. */
  cow?: string;
  store?: StoreType;
  chunkSectors?: number;
  features: string[];
}

/** Sectors of the COW: allocated (data + metadata), its size, and the metadata part. */
export interface SnapshotUsage {
  allocated: number;
  total: number;
  metadata: number;
}

export interface SnapshotStatus {
  state: SnapshotState;
  /** Present exactly when state is 'active'. */
  usage?: SnapshotUsage;
}

const KINDS: readonly string[] = ['snapshot', 'snapshot-merge', 'snapshot-origin'];

/** Splits `name: rest` as dmsetup prints it for every device ("No devices found" gives []). */
export function splitDeviceLines(output: string): { device: string; line: string }[] {
  const out: { device: string; line: string }[] = [];
  for (const raw of output.split('\n')) {
    const text = raw.trim();
    const colon = text.indexOf(': ');
    if (colon <= 0) continue; // "No devices found", blank lines
    out.push({ device: text.slice(0, colon), line: text.slice(colon + 2) });
  }
  return out;
}

/** The target type of a table or status line ("0 16384 snapshot ..."), or null when it is not a number pair and a word. */
export function targetKind(line: string): SnapshotTargetKind | null {
  const kind = line.trim().split(/\s+/)[2];
  return kind !== undefined && KINDS.includes(kind) ? (kind as SnapshotTargetKind) : null;
}

export function parseSnapshotTable(line: string): SnapshotTable {
  const words = line.trim().split(/\s+/);
  const [start, length, kind, ...args] = words;
  const bad = (why: string) => new SnapscopeError('corrupt', `dm table line "${line}": ${why}`);
  if (!kind || !KINDS.includes(kind)) throw bad('not a snapshot, snapshot-merge or snapshot-origin target');
  const startSector = sectorCount(start, 'start', bad);
  const sectors = sectorCount(length, 'length', bad);
  if (kind === 'snapshot-origin') {
    if (args.length !== 1) throw bad(`snapshot-origin takes 1 argument, not ${args.length}`);
    return { kind, startSector, sectors, origin: args[0]!, features: [] };
  }
  if (args.length < 4) throw bad(`${kind} takes at least 4 arguments, not ${args.length}`);
  const [origin, cow, store, chunk, featureCount, ...features] = args;
  if (store !== 'P' && store !== 'PO' && store !== 'N') throw bad(`store type "${store}" is not P, PO or N`);
  const chunkSectors = sectorCount(chunk, 'chunk size', bad);
  if (chunkSectors === 0 || (chunkSectors & (chunkSectors - 1)) !== 0) throw bad(`chunk size ${chunkSectors} is not a power of two`);
  const nFeatures = featureCount === undefined ? 0 : sectorCount(featureCount, 'feature count', bad);
  if (features.length !== nFeatures) throw bad(`${nFeatures} features announced, ${features.length} given`);
  return { kind: kind as SnapshotTargetKind, startSector, sectors, origin: origin!, cow: cow!, store, chunkSectors, features };
}

/** The status of a snapshot or snapshot-merge target ("0 16384 snapshot 376/2048 16"). */
export function parseSnapshotStatus(line: string): SnapshotStatus {
  const words = line.trim().split(/\s+/);
  const bad = (why: string) => new SnapscopeError('corrupt', `dm status line "${line}": ${why}`);
  if (words[2] !== 'snapshot' && words[2] !== 'snapshot-merge') throw bad('not a snapshot or snapshot-merge target');
  const rest = words.slice(3).join(' ');
  if (rest === 'Invalid' || rest === 'Merge failed' || rest === 'Overflow' || rest === 'Unknown') return { state: rest };
  const m = /^(\d+)\/(\d+) (\d+)$/.exec(rest);
  if (!m) throw bad(`"${rest}" is neither <allocated>/<total> <metadata> nor a state word`);
  const usage = { allocated: Number(m[1]), total: Number(m[2]), metadata: Number(m[3]) };
  if (![usage.allocated, usage.total, usage.metadata].every(Number.isSafeInteger)) throw bad('a sector count is too large');
  if (usage.allocated > usage.total || usage.metadata > usage.allocated) throw bad('allocated must lie between metadata and total');
  return { state: 'active', usage };
}

/**
 * Snap% as lvs computes it (lvm2 lib/snapshot/snapshot.c): allocated over total, with exactly 0
 * while only metadata is allocated and exactly 100 when full.
 */
export function snapPercent(u: SnapshotUsage): number {
  if (u.allocated === u.metadata) return 0;
  if (u.allocated === u.total) return 100;
  return (100 * u.allocated) / u.total;
}

function sectorCount(text: string | undefined, what: string, bad: (why: string) => SnapscopeError): number {
  if (text === undefined || !/^\d+$/.test(text)) throw bad(`${what} "${text ?? ''}" is not a number`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw bad(`${what} ${text} is too large`);
  return n;
}
