import type { OccupancyView } from '../../viz/occupancy-painter.ts';

/** The cells of `view` (as the occupancy painter lays them out) holding at least one of `chunks`, ascending. */
export function freshCells(chunks: readonly number[], view: OccupancyView): number[] {
  const cells = new Set<number>();
  const end = view.start + view.span;
  for (const c of chunks) if (c >= view.start && c < end) cells.add(Math.floor((c - view.start) / view.per));
  return [...cells].sort((a, b) => a - b);
}

/** How long the highlight of new exceptions lasts: about until the next refresh, 2 to 10 s. */
export function fadeMs(refreshSeconds: number): number {
  return Math.min(10_000, Math.max(2_000, refreshSeconds * 1000));
}

/** The highlight's strength `elapsed` ms after the exceptions were seen: 1, falling linearly to 0. */
export function fadeAlpha(elapsed: number, duration: number): number {
  return Math.max(0, Math.min(1, 1 - elapsed / duration));
}
