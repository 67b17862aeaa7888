/**
 * Every dm snapshot on this host, read-only, from `dmsetup table` and `dmsetup status` (the same
 * words the kernel prints; decoded by src-core/live/dm-target.ts), with LVM's names and attributes
 * when lvm2 is installed. Nothing here suspends, reloads or opens a device for writing.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
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

/** Runs a tool and resolves with its stdout; how it runs (directly, or through the helper) is the caller's. */
export type ToolRunner = (tool: 'dmsetup' | 'lvs', args: string[]) => Promise<string>;

export async function discoverSnapshots(run: ToolRunner = runTool): Promise<LiveTarget[]> {
  const [tables, statuses] = await Promise.all([run('dmsetup', ['table']), run('dmsetup', ['status'])]);
  const statusOf = new Map(splitDeviceLines(statuses).filter((s) => targetKind(s.line)).map((s) => [s.device, s.line]));
  const lvm = await lvmNames(run);
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
      originPath: devicePath(table.origin),
      cowPath: table.cow ? devicePath(table.cow) : null,
      lvm: lvm.get(device) ?? null,
    });
  }
  return out;
}

/** LVM's view, keyed by dm name; empty when lvm2 is absent or has nothing to say. */
async function lvmNames(run: ToolRunner): Promise<Map<string, LvmNames>> {
  let text: string;
  try {
    text = await run('lvs', ['--reportformat', 'json', '-o', 'vg_name,lv_name,lv_attr,origin,lv_dm_path']);
  } catch {
    return new Map();
  }
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

/** "254:16" → /dev/mapper/<name> for a dm device, /dev/<kernel name> otherwise. */
export function devicePath(majMin: string): string | null {
  if (majMin.startsWith('/')) return majMin; // the kernel prints names it was given that way
  const sys = `/sys/dev/block/${majMin}`;
  try {
    const dmName = fs.readFileSync(`${sys}/dm/name`, 'utf8').trim();
    if (dmName) return `/dev/mapper/${dmName}`;
  } catch {
    // not a dm device
  }
  try {
    return `/dev/${path.basename(fs.realpathSync(sys))}`;
  } catch {
    return null;
  }
}

function runTool(tool: 'dmsetup' | 'lvs', args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(tool, args, { timeout: 10_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return reject(new SnapscopeError('unsupported', `${tool} is not installed (Debian: apt install ${tool === 'lvs' ? 'lvm2' : 'dmsetup'})`));
      const said = stderr.trim().split('\n')[0] ?? err.message;
      if (/No such device|Failure to communicate/.test(stderr)) {
        return reject(new SnapscopeError('unsupported', `device-mapper is not available on this kernel (${tool}: ${said})`));
      }
      if (/Permission denied|must be root|EACCES/i.test(stderr)) {
        return reject(new SnapscopeError('io', `${tool} needs root to list device-mapper targets (${said}); run with sudo`));
      }
      reject(new SnapscopeError('io', `${tool} ${args.join(' ')} failed: ${said}`));
    });
  });
}
