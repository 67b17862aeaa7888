/**
 * Every dm snapshot on this host, read-only, from `dmsetup table` and `dmsetup status` (the same
 * words the kernel prints; decoded by src-core/live/dm-target.ts), with LVM's names and attributes
 * when lvm2 is installed. Nothing here suspends, reloads or opens a device for writing.
 */
import path from 'node:path';
import { SnapscopeError } from '../../../src-core/errors.ts';
import {
  parseSnapshotStatus,
  parseSnapshotTable,
  splitDeviceLines,
  targetKind,
  type SnapshotStatus,
  type SnapshotTable,
} from '../../../src-core/live/dm-target.ts';
import { dmReport, type DmReport } from '../../helper/dm-report.mjs';

export interface LvmNames {
  vg: string;
  lv: string;
  attr: string;
  /** The origin LV's name, for a snapshot. */
  origin: string;
}

export interface LiveTarget {
  /** The dm device name (`vg-snap`), its node under /dev/mapper. */
  name: string;
  table: SnapshotTable;
  /** null for snapshot-origin, which reports nothing. */
  status: SnapshotStatus | null;
  /** Device nodes of the origin and COW (from the kernel's major:minor); null when not found. */
  originPath: string | null;
  cowPath: string | null;
  lvm: LvmNames | null;
}

/** This host's report, running the tools directly (root). */
export async function localReport(): Promise<DmReport> {
  return dmReport();
}

/** The error of a dm report, in words an admin can act on. */
export function reportError(e: { code?: string | undefined; message: string }, where: string): SnapscopeError {
  switch (e.code) {
    case 'ENOENT':
      return new SnapscopeError('unsupported', `${e.message} on ${where} (Debian: apt install dmsetup)`);
    case 'ENODEV':
      return new SnapscopeError('unsupported', `device-mapper is not available on ${where}'s kernel (${e.message})`);
    case 'EACCES':
      return new SnapscopeError('io', `listing device-mapper targets on ${where} needs root (${e.message}); run with sudo`);
    default:
      return new SnapscopeError('io', `${where}: ${e.message}`);
  }
}

/** @param where names the machine in errors ("this host", "user@server"). */
export async function discoverSnapshots(report: () => Promise<DmReport> = localReport, where = 'this host'): Promise<LiveTarget[]> {
  const { table: tables, status: statuses, lvs, devices, dmError } = await report();
  if (dmError) throw reportError(dmError, where);
  const statusOf = new Map(splitDeviceLines(statuses).filter((s) => targetKind(s.line)).map((s) => [s.device, s.line]));
  const lvm = lvmNames(lvs);
  const out: LiveTarget[] = [];
  for (const { device, line } of splitDeviceLines(tables)) {
    const kind = targetKind(line);
    if (!kind) continue;
    const table = parseSnapshotTable(line);
    const statusLine = statusOf.get(device);
    out.push({
      name: device,
      table,
      status: kind === 'snapshot-origin' || !statusLine ? null : parseSnapshotStatus(statusLine),
      originPath: nodeOf(table.origin, devices),
      cowPath: table.cow ? nodeOf(table.cow, devices) : null,
      lvm: lvm.get(device) ?? null,
    });
  }
  return out;
}

/** LVM's view, keyed by dm name; empty when lvm2 is absent or has nothing to say. */
function lvmNames(text: string | null): Map<string, LvmNames> {
  if (text === null) return new Map();
  const out = new Map<string, LvmNames>();
  try {
    const report = JSON.parse(text) as { report?: { lv?: Record<string, string>[] }[] };
    for (const lv of report.report?.flatMap((r) => r.lv ?? []) ?? []) {
      if (!lv.lv_dm_path) continue;
      out.set(path.basename(lv.lv_dm_path), { vg: lv.vg_name ?? '', lv: lv.lv_name ?? '', attr: lv.lv_attr ?? '', origin: lv.origin ?? '' });
    }
  } catch {
    // An lvs that prints something else is no reason to hide the kernel's own list.
  }
  return out;
}

/** The kernel names devices "major:minor" (or by the path it was given). */
function nodeOf(dev: string, devices: Record<string, string>): string | null {
  return dev.startsWith('/') ? dev : (devices[dev] ?? null);
}
