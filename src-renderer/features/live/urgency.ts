import type { LiveHostDto, LiveSnapshotDto } from '../../../src-core/api/contract.ts';

export interface FleetRow {
  host: string;
  snap: LiveSnapshotDto;
}

/**
 * Every snapshot of every host, most urgent first: invalidated ones (data already lost), then by
 * time to overflow, then by how full, then merges; origins are not snapshots and are left out.
 */
export function fleetRows(hosts: readonly LiveHostDto[]): FleetRow[] {
  const rows = hosts.flatMap((h) => h.snapshots.filter((s) => s.kind !== 'snapshot-origin').map((snap) => ({ host: h.host, snap })));
  return rows.sort((a, b) => rank(a.snap) - rank(b.snap) || eta(a.snap) - eta(b.snap) || (b.snap.percent ?? 0) - (a.snap.percent ?? 0) || a.snap.name.localeCompare(b.snap.name));
}

function rank(s: LiveSnapshotDto): number {
  if (s.state !== 'active') return 0;
  if (s.kind === 'snapshot') return 1;
  return 2; // merging: the kernel is on it
}

function eta(s: LiveSnapshotDto): number {
  return s.secondsToOverflow ?? Number.POSITIVE_INFINITY;
}
