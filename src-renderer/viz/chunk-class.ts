import type { OccupancyResult, OccupancyRole } from '../../src-core/api/dto.ts';
import { ROLE_COLORS, ROLE_LABELS, roleColor, snapshotColor } from './colors.ts';

/**
 * What a chunk of the occupancy map is: a metadata role, free, or exception data by who reads it —
 * one snapshot only (`slot:N`, that snapshot's colour) or several (`shared`). Exception data the
 * owners do not account for keeps its role ('exception', 'data'): a leak, or owners not loaded yet.
 */
export type ChunkClass = OccupancyRole | 'shared' | `slot:${number}`;

const DATA_ROLES: ReadonlySet<OccupancyRole> = new Set(['exception', 'data']);

/** Chunks per class in bucket `b`, largest first (free last whatever its count). */
export function bucketClasses(data: OccupancyResult, b: number): [ChunkClass, number][] {
  const out: [ChunkClass, number][] = [];
  let owned = 0;
  if (data.owners) {
    for (const { slot, counts } of data.owners.slots) {
      const n = counts[b] ?? 0;
      if (n) out.push([`slot:${slot}`, n]);
      owned += n;
    }
    const shared = data.owners.shared[b] ?? 0;
    if (shared) out.push(['shared', shared]);
    owned += shared;
  }
  let free = 0;
  for (const [role, counts] of Object.entries(data.counts) as [OccupancyRole, number[]][]) {
    let n = counts[b] ?? 0;
    if (DATA_ROLES.has(role)) {
      const rest = Math.min(n, owned);
      n -= rest;
      owned -= rest;
    }
    if (role === 'free') free = n;
    else if (n) out.push([role, n]);
  }
  out.sort((x, y) => y[1] - x[1]);
  if (free) out.push(['free', free]);
  return out;
}

/**
 * Every bucket's chunks per class at once, as bucketClasses counts them (its model): one column of
 * counts per class with any chunk, in a typed array each, without an array per bucket.
 */
export function classColumns(data: OccupancyResult): { classes: ChunkClass[]; columns: Float64Array[] } {
  const n = data.buckets;
  const classes: ChunkClass[] = [];
  const columns: Float64Array[] = [];
  const owned = new Float64Array(n);
  const add = (c: ChunkClass, count: (b: number) => number): void => {
    const column = new Float64Array(n);
    let any = false;
    for (let b = 0; b < n; b++) {
      const x = count(b);
      column[b] = x;
      if (x) any = true;
    }
    if (!any) return;
    classes.push(c);
    columns.push(column);
  };
  for (const { slot, counts } of data.owners?.slots ?? []) add(`slot:${slot}`, (b) => counts[b] ?? 0);
  if (data.owners) {
    const { shared } = data.owners;
    add('shared', (b) => shared[b] ?? 0);
  }
  for (const column of columns) for (let b = 0; b < n; b++) owned[b]! += column[b]!;
  for (const [role, counts] of Object.entries(data.counts) as [OccupancyRole, number[]][]) {
    if (!DATA_ROLES.has(role)) {
      add(role, (b) => counts[b] ?? 0);
      continue;
    }
    add(role, (b) => {
      const x = counts[b] ?? 0;
      const rest = Math.min(x, owned[b]!);
      owned[b]! -= rest;
      return x - rest;
    });
  }
  return { classes, columns };
}

/** Exception data no owner accounts for (yet): neutral, so it never reads as shared. */
const UNATTRIBUTED = '#bab0ac';

/**
 * Leaked chunks in `data`: exception data its owners do not account for (what the maps draw in the
 * neutral grey once owners are loaded), or null before they are.
 */
export function leakedChunks(data: OccupancyResult): number | null {
  if (!data.owners) return null;
  const { classes, columns } = classColumns(data);
  let n = 0;
  classes.forEach((c, k) => {
    if (DATA_ROLES.has(c as OccupancyRole)) for (const x of columns[k]!) n += x;
  });
  return n;
}

export function classColor(c: ChunkClass): string {
  if (c.startsWith('slot:')) return snapshotColor(Number(c.slice(5)));
  if (c === 'shared') return ROLE_COLORS.exception;
  if (c === 'exception') return UNATTRIBUTED;
  return roleColor(c);
}

export function classLabel(c: ChunkClass, name: (slot: number) => string): string {
  if (c.startsWith('slot:')) return `only ${name(Number(c.slice(5)))}`;
  if (c === 'shared') return 'shared by several snapshots';
  return ROLE_LABELS[c] ?? c;
}
