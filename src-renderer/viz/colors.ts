import { hcl } from 'd3';

/**
 * One colour per snapshot slot, the same in every view and legend. The first ten come from a
 * tested categorical palette (Tableau 10, minus the oranges, browns and greys we keep for
 * metadata roles); beyond that, hues step by the golden angle so neighbours stay distinct.
 */
const BASE = ['#4e79a7', '#e15759', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#3b5b8c', '#8cd17d', '#d37295'];

const cache = new Map<number, string>();

export function snapshotColor(slot: number): string {
  const hit = cache.get(slot);
  if (hit) return hit;
  const color = BASE[slot] ?? hcl((slot * 137.508) % 360, 45, slot % 2 ? 62 : 52).formatHex();
  cache.set(slot, color);
  return color;
}

/** Roles of COW chunks that are not one snapshot's data. Warm tones: metadata; brown: shared data. */
export const ROLE_COLORS = {
  header: '#3b4252',
  bitmap: '#7b8494',
  label: '#a3abb8',
  node: '#e8762c',
  leaf: '#f4b266',
  'metadata-area': '#e8762c',
  /** Exception data read by several snapshots (one copy shared): the teaching mode uses it too. */
  exception: '#9c755f',
  'pending-free': '#c3c9d3',
} as const;

/** The colour of an occupancy role; a persistent store's data is its one snapshot's (slot 0). */
export function roleColor(role: string): string {
  if (role === 'data') return snapshotColor(0);
  return (ROLE_COLORS as Record<string, string>)[role] ?? '#bab0ac';
}

export const ROLE_LABELS: Record<string, string> = {
  header: 'header',
  bitmap: 'bitmap',
  label: 'snapshot labels',
  node: 'B-tree node',
  leaf: 'B-tree leaf',
  exception: 'exception data',
  'metadata-area': 'metadata area',
  data: 'exception data',
  free: 'free',
  'pending-free': 'freed (reusable after the next commit)',
};

/** `free` follows the theme, so painters read it from CSS. */
export function freeColor(el: Element): string {
  return getComputedStyle(el).getPropertyValue('--free').trim() || '#e7eaef';
}

/** Lowest slot in a share mask (-1 when empty): the colour a shared copy wears in a sharemap. */
export function lowestSlot(mask: bigint): number {
  if (mask === 0n) return -1;
  let slot = 0;
  while (((mask >> BigInt(slot)) & 1n) === 0n) slot++;
  return slot;
}

/** The metadata roles each format's map shows, in legend order (snapshots, shared and free follow). */
export const SHARED_ROLES = ['header', 'bitmap', 'label', 'node', 'leaf'] as const;
export const PERSISTENT_ROLES = ['header', 'metadata-area'] as const;
