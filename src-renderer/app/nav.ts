import type { StoreFormat } from '../../src-core/api/contract.ts';
import type { RouteName } from '../store/route-slice.ts';

export interface NavEntry {
  route: RouteName;
  label: string;
  /** Alt+key jumps here. */
  key: string;
  /** Which store formats the view applies to; absent = any open store; 'none' = always. */
  needs?: StoreFormat | 'none';
}

/** The shell's navigation; the Teach entry is the slot the teaching mode fills (issue 8). */
export const NAV: readonly NavEntry[] = [
  { route: 'start', label: 'Start', key: '1', needs: 'none' },
  { route: 'overview', label: 'Overview', key: '2' },
  { route: 'btree', label: 'B-tree', key: '3', needs: 'shared' },
  { route: 'leaf', label: 'Leaf inspector', key: '4', needs: 'shared' },
  { route: 'bitmap', label: 'Occupancy', key: '5' },
  { route: 'persistent', label: 'Exception table', key: '6', needs: 'persistent' },
  { route: 'merge', label: 'Merge', key: '7' },
  { route: 'live', label: 'Live snapshots', key: '0', needs: 'none' },
  { route: 'tools', label: 'Tools', key: 't', needs: 'none' },
  { route: 'activity', label: 'Activity', key: '8', needs: 'none' },
  { route: 'teach', label: 'Teach', key: '9', needs: 'none' },
];

/** Whether `route` exists for a store of `format` (views of the other format do not). */
export function routeFits(route: RouteName, format: StoreFormat | null): boolean {
  const entry = NAV.find((n) => n.route === route);
  return !entry || navEnabled(entry, format);
}

export function navEnabled(entry: NavEntry, format: StoreFormat | null): boolean {
  if (entry.needs === 'none') return true;
  if (format === null) return false;
  return entry.needs === undefined || entry.needs === format;
}
