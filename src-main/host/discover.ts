import { execFileSync } from 'node:child_process';
import type { DiscoverPairsResult, DiscoveredPair, DmTableResult } from '../../src-core/api/dto.ts';
import type { StoreSession } from './session.ts';

/**
 * Origin/COW pairs the system already has: `snapshot` and `snapshot-merge` targets in
 * `dmsetup table`, and LVM snapshots from `lvs`. Tools that are missing or refuse (not root)
 * are reported, not fatal.
 */
export function discoverPairs(): DiscoverPairsResult {
  const notes: string[] = [];
  const pairs: DiscoveredPair[] = [];
  const dm = run('dmsetup', ['table']);
  if (dm.error) notes.push(`dmsetup: ${dm.error}`);
  for (const line of dm.out.split('\n')) {
    const m = /^(\S+):\s+\d+\s+\d+\s+(snapshot|snapshot-merge)\s+(\S+)\s+(\S+)\s+\S+\s+(\d+)/.exec(line);
    if (m) pairs.push({ name: m[1]!, source: 'dmsetup', origin: devPath(m[3]!), cow: devPath(m[4]!), chunkSectors: Number(m[5]), table: line.slice(line.indexOf(':') + 2) });
  }
  const lv = run('lvs', ['--noheadings', '--separator', '|', '-o', 'vg_name,lv_name,origin,lv_attr']);
  if (lv.error) notes.push(`lvs: ${lv.error}`);
  for (const line of lv.out.split('\n')) {
    const [vg, name, origin] = line.trim().split('|');
    if (vg && name && origin) {
      // The COW of an LVM snapshot is its hidden "-cow" device-mapper device.
      pairs.push({ name: `${vg}/${name}`, source: 'lvm', origin: `/dev/${vg}/${origin}`, cow: `/dev/mapper/${dmEscape(vg)}-${dmEscape(name)}-cow`, chunkSectors: null, table: null });
    }
  }
  return { pairs, tools: { dmsetup: !dm.missing && !dm.error, lvs: !lv.missing && !lv.error }, notes };
}

/** The table that would make the kernel serve the session's snapshot. */
export function dmTable(s: StoreSession, slot: number, name: string | undefined): DmTableResult {
  const info = s.store.info();
  const origin = s.originPath ?? '<origin>';
  const originSectors = s.origin ? Math.floor(s.origin.size / 512) : 0;
  const notes: string[] = [];
  if (!s.origin) notes.push('no origin is open: replace <origin> and the length (origin size in sectors)');
  // Persistent: the mainline target; shared: the shared exception store's target arguments
  // ("shared 3 <cow> <chunk sectors> <snapshot id>", as in its status output).
  const store = info.format === 'persistent' ? `${s.cowPath} P ${info.chunkSectors}` : `shared 3 ${s.cowPath} ${info.chunkSectors} ${slot}`;
  if (info.format === 'shared') notes.push('the shared exception store target is not in mainline Linux; this line is for kernels that carry it');
  const table = `0 ${originSectors} snapshot ${origin} ${store}`;
  const dmName = name ?? (info.format === 'persistent' ? 'snap' : `snap${slot}`);
  if (/\s/.test(s.cowPath) || /\s/.test(origin)) notes.push('a table line cannot hold a path with spaces: use a path without (a /dev/disk/by-id link, a loop device)');
  return { table, command: `dmsetup create ${shellQuote(dmName)} --table ${shellQuote(table)}`, notes };
}

/** One shell word: the command is shown to be copied into a terminal. */
function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function run(cmd: string, args: string[]): { out: string; error: string | null; missing: boolean } {
  try {
    return { out: execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000 }), error: null, missing: false };
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') return { out: '', error: 'not installed', missing: true };
    return { out: '', error: (err.stderr ?? err.message).toString().trim().split('\n')[0] ?? 'failed', missing: false };
  }
}

function devPath(t: string): string {
  return /^\d+:\d+$/.test(t) ? `/dev/block/${t}` : t;
}

function dmEscape(s: string): string {
  return s.replace(/-/g, '--');
}
