import type { LeafDetailResult } from '../../src-core/api/dto.ts';
import { ROLE_COLORS, snapshotColor } from './colors.ts';

/**
 * The sharemap: rows are a leaf's origin chunks, columns are snapshots; a cell shows which copy
 * that snapshot reads (docs/adr/0007-sharemap-encoding.md). Colours are the occupancy map's: a
 * copy only one snapshot reads in that snapshot's colour, a copy several share in the shared
 * brown, the origin (no exception) in the free grey. A shared copy is one mark: its cells, joined
 * into one bar where its sharers are neighbours and by a line above the cells where they are not,
 * so two shared copies in a row read as two marks.
 */
export interface SharemapGeometry {
  labelW: number;
  headH: number;
  cellW: number;
  cellH: number;
  width: number;
  height: number;
  /** Column names are written slanted (narrow columns). */
  slanted: boolean;
}

const HEAD_FLAT = 30;
/** Column heads are written in 11 px monospace: this many pixels a character. */
const CHAR_W = 6.7;
/** The longest head written whole; a longer one is elided (the whole name is in the hover tip and the fallback table). */
export const HEAD_CHARS = 32;
const SIN = Math.sin(Math.PI / 3);

/** The text of each column head: names without their shared prefix, cut to HEAD_CHARS. */
export function headTexts(names: readonly string[]): string[] {
  return columnNames(names).map((n) => (n.length > HEAD_CHARS ? `${n.slice(0, HEAD_CHARS - 1)}…` : n));
}

/**
 * Column heads are flat when every name fits its column, else slanted, the head as tall (and the
 * map as much wider on the right) as the longest name needs, so names are written whole.
 */
export function sharemapGeometry(detail: LeafDetailResult, maxWidth: number, heads: readonly string[] = []): SharemapGeometry {
  const labelW = 76;
  const longest = Math.max(0, ...heads.map((h) => h.length)) * CHAR_W;
  // The slanted heads' overhang on the right, kept inside the width offered.
  const overhang = Math.max(40, Math.ceil(longest / 2));
  const room = (over: number): number => Math.max(15, Math.min(88, Math.floor((maxWidth - labelW - 8 - over) / Math.max(detail.slots.length, 1))));
  const flatW = room(0);
  const slanted = flatW < 56 || longest > flatW - 6;
  const cellW = slanted ? room(overhang) : flatW;
  const cellH = 20;
  const headH = slanted ? Math.max(HEAD_FLAT, Math.ceil(longest * SIN + 18)) : HEAD_FLAT;
  return { labelW, headH, cellW, cellH, slanted, width: labelW + cellW * detail.slots.length + (slanted ? overhang : 0), height: headH + cellH * detail.rows.length };
}

export interface SharemapCell {
  row: number;
  column: number;
  origin: number;
  slot: number;
  /** COW chunk read, or -1 when the snapshot reads the origin. */
  chunk: number;
  /** Slots that read this same copy (for this origin chunk). */
  readers: number[];
}

export function cellAt(detail: LeafDetailResult, row: number, column: number): SharemapCell | null {
  const r = detail.rows[row];
  const slot = detail.slots[column];
  if (!r || slot === undefined) return null;
  const chunk = r.cells[column] ?? -1;
  const readers = chunk < 0 ? [] : detail.slots.filter((_, i) => r.cells[i] === chunk);
  return { row, column, origin: r.origin, slot, chunk, readers };
}

/** The column whose head is under a point (the strip above the cells), or null. */
export function hitHead(detail: LeafDetailResult, g: SharemapGeometry, x: number, y: number): number | null {
  if (x < g.labelW || y < 0 || y >= g.headH) return null;
  const column = Math.floor((x - g.labelW) / g.cellW);
  return column < detail.slots.length ? column : null;
}

export function hitSharemap(detail: LeafDetailResult, g: SharemapGeometry, x: number, y: number): SharemapCell | null {
  if (x < g.labelW || y < g.headH) return null;
  return cellAt(detail, Math.floor((y - g.headH) / g.cellH), Math.floor((x - g.labelW) / g.cellW));
}

/** One copy of a row: its COW chunk and the columns that read it (ascending). */
export interface RowCopy {
  chunk: number;
  columns: number[];
  /** Lane of its joining line (copies whose column spans overlap get different lanes). */
  lane: number;
}

/** The distinct copies of row `cells` (origin reads left out), with lanes for their joining lines. */
export function rowCopies(cells: readonly number[]): RowCopy[] {
  const byChunk = new Map<number, number[]>();
  cells.forEach((chunk, c) => {
    if (chunk >= 0) byChunk.set(chunk, [...(byChunk.get(chunk) ?? []), c]);
  });
  const copies = [...byChunk].map(([chunk, columns]) => ({ chunk, columns, lane: 0 })).sort((a, b) => a.columns[0]! - b.columns[0]!);
  const laneEnds: number[] = [];
  for (const copy of copies) {
    if (copy.columns.length < 2) continue;
    const lo = copy.columns[0]!;
    const hi = copy.columns.at(-1)!;
    let lane = laneEnds.findIndex((end) => end < lo);
    if (lane < 0) lane = laneEnds.length;
    laneEnds[lane] = hi;
    copy.lane = lane;
  }
  return copies;
}

export interface SharemapStyle {
  free: string;
  text: string;
  muted: string;
  /** Column to emphasize (a snapshot picked in the legend), or null. */
  highlightSlot: number | null;
  /** Row to mark (the origin chunk a clicked exception chunk keeps), or null. */
  focusOrigin?: number | null;
  accent?: string;
}

export const SHARED_COLOR = ROLE_COLORS.exception;

/**
 * Column heads: names without the prefix they all share ("daily-2026-09-01", "daily-2026-09-02"
 * → "…09-01", "…09-02"), so narrow columns show what tells them apart.
 */
export function columnNames(names: readonly string[]): string[] {
  if (names.length < 2) return [...names];
  let common = names[0]!.length;
  for (const n of names) {
    let i = 0;
    while (i < common && i < n.length && n[i] === names[0]![i]) i++;
    common = i;
  }
  // Cut after a separator, and only when it saves enough to matter.
  const cut = Math.max(names[0]!.lastIndexOf('-', common - 1), names[0]!.lastIndexOf('_', common - 1), names[0]!.lastIndexOf(' ', common - 1)) + 1;
  return cut >= 4 ? names.map((n) => `…${n.slice(cut)}`) : [...names];
}
/** Height of the strip above a row's cells where joining lines run. */
const LANES_H = 5;

/** Paints the matrix under heads `heads` (headTexts of the columns' names). */
export function paintSharemap(ctx: CanvasRenderingContext2D, detail: LeafDetailResult, g: SharemapGeometry, style: SharemapStyle, heads: readonly string[]): void {
  ctx.clearRect(0, 0, g.width, g.height);
  ctx.font = '11px ui-monospace, "DejaVu Sans Mono", monospace';
  ctx.textBaseline = 'middle';
  detail.slots.forEach((slot, c) => {
    const x = g.labelW + c * g.cellW;
    ctx.fillStyle = snapshotColor(slot);
    ctx.fillRect(x + 2, g.headH - 7, g.cellW - 4, 5);
    ctx.fillStyle = style.highlightSlot === slot ? style.text : style.muted;
    const name = heads[c]!;
    if (g.slanted) {
      ctx.save();
      ctx.translate(x + g.cellW / 2, g.headH - 11);
      ctx.rotate(-Math.PI / 3);
      ctx.textAlign = 'left';
      ctx.fillText(name, 0, 0);
      ctx.restore();
    } else {
      ctx.textAlign = 'center';
      ctx.fillText(name, x + g.cellW / 2, 10);
    }
  });
  detail.rows.forEach((row, r) => {
    const y = g.headH + r * g.cellH;
    const focused = style.focusOrigin === row.origin;
    ctx.globalAlpha = 1;
    ctx.textAlign = 'right';
    ctx.fillStyle = focused ? (style.accent ?? style.text) : style.muted;
    ctx.fillText(focused ? `▸ ${row.origin}` : String(row.origin), g.labelW - 8, y + g.cellH / 2 + 2);
    const top = y + LANES_H;
    const h = g.cellH - LANES_H - 1;
    const dim = (c: number): number => (style.highlightSlot !== null && style.highlightSlot !== detail.slots[c] ? 0.28 : 1);
    // Origin reads: grey cells.
    row.cells.forEach((chunk, c) => {
      if (chunk >= 0) return;
      ctx.globalAlpha = dim(c);
      ctx.fillStyle = style.free;
      ctx.fillRect(g.labelW + c * g.cellW + 1, top, g.cellW - 2, h);
    });
    for (const copy of rowCopies(row.cells)) {
      const shared = copy.columns.length > 1;
      ctx.fillStyle = shared ? SHARED_COLOR : snapshotColor(detail.slots[copy.columns[0]!]!);
      // Runs of neighbouring columns are one bar; gaps between runs are bridged by the lane line.
      let start = copy.columns[0]!;
      for (let i = 1; i <= copy.columns.length; i++) {
        const c = copy.columns[i];
        if (c === copy.columns[i - 1]! + 1) continue;
        const end = copy.columns[i - 1]!;
        for (let k = start; k <= end; k++) {
          ctx.globalAlpha = dim(k);
          ctx.fillRect(g.labelW + k * g.cellW + (k === start ? 1 : 0), top, g.cellW - (k === start ? 1 : 0) - (k === end ? 1 : 0), h);
        }
        if (c !== undefined) start = c;
      }
      if (shared && copy.columns.at(-1)! - copy.columns[0]! + 1 > copy.columns.length) {
        const ly = y + 1 + Math.min(copy.lane, 2) * 1.5;
        ctx.globalAlpha = style.highlightSlot === null || copy.columns.some((c) => detail.slots[c] === style.highlightSlot) ? 1 : 0.28;
        ctx.fillRect(g.labelW + copy.columns[0]! * g.cellW + g.cellW / 2, ly, (copy.columns.at(-1)! - copy.columns[0]!) * g.cellW, 1.5);
        for (const c of copy.columns) ctx.fillRect(g.labelW + c * g.cellW + g.cellW / 2 - 0.75, ly, 1.5, top - ly);
      }
    }
    if (focused) {
      ctx.globalAlpha = 1;
      ctx.strokeStyle = style.accent ?? style.text;
      ctx.lineWidth = 2;
      ctx.strokeRect(g.labelW, y, g.cellW * detail.slots.length, g.cellH);
    }
  });
  ctx.globalAlpha = 1;
}
