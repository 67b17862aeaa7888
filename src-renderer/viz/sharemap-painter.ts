import type { LeafDetailResult } from '../../src-core/api/dto.ts';
import { snapshotColor } from './colors.ts';

/**
 * The sharemap: rows are a leaf's origin chunks, columns are snapshots; a cell shows which
 * exception that snapshot reads. One copy serving several snapshots wears the colour of the lowest
 * of them in every one of its cells (same colour in a row = same shared copy) and carries a dot.
 */
export interface SharemapGeometry {
  labelW: number;
  headH: number;
  cellW: number;
  cellH: number;
  width: number;
  height: number;
}

export function sharemapGeometry(detail: LeafDetailResult, maxWidth: number): SharemapGeometry {
  const labelW = 76;
  const headH = 28;
  const cellW = Math.max(18, Math.min(88, Math.floor((maxWidth - labelW) / Math.max(detail.slots.length, 1))));
  const cellH = 18;
  return { labelW, headH, cellW, cellH, width: labelW + cellW * detail.slots.length, height: headH + cellH * detail.rows.length };
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

export function hitSharemap(detail: LeafDetailResult, g: SharemapGeometry, x: number, y: number): SharemapCell | null {
  if (x < g.labelW || y < g.headH) return null;
  return cellAt(detail, Math.floor((y - g.headH) / g.cellH), Math.floor((x - g.labelW) / g.cellW));
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

export function paintSharemap(ctx: CanvasRenderingContext2D, detail: LeafDetailResult, g: SharemapGeometry, style: SharemapStyle): void {
  ctx.clearRect(0, 0, g.width, g.height);
  ctx.font = '11px ui-monospace, "DejaVu Sans Mono", monospace';
  ctx.textBaseline = 'middle';
  detail.slots.forEach((slot, c) => {
    const x = g.labelW + c * g.cellW;
    ctx.fillStyle = snapshotColor(slot);
    ctx.fillRect(x + 2, g.headH - 8, g.cellW - 4, 5);
    ctx.fillStyle = style.highlightSlot === slot ? style.text : style.muted;
    ctx.textAlign = 'center';
    ctx.fillText(`s${slot}`, x + g.cellW / 2, 9);
  });
  detail.rows.forEach((row, r) => {
    const y = g.headH + r * g.cellH;
    const focused = style.focusOrigin === row.origin;
    ctx.textAlign = 'right';
    ctx.fillStyle = focused ? (style.accent ?? style.text) : style.muted;
    ctx.fillText(focused ? `▸ ${row.origin}` : String(row.origin), g.labelW - 8, y + g.cellH / 2);
    detail.slots.forEach((_, c) => {
      const cell = cellAt(detail, r, c);
      if (!cell) return;
      const x = g.labelW + c * g.cellW;
      const dim = style.highlightSlot !== null && style.highlightSlot !== cell.slot;
      ctx.globalAlpha = dim ? 0.28 : 1;
      ctx.fillStyle = cell.chunk < 0 ? style.free : snapshotColor(cell.readers[0] ?? cell.slot);
      ctx.fillRect(x + 1, y + 1, g.cellW - 2, g.cellH - 2);
      if (cell.readers.length > 1) {
        ctx.fillStyle = '#fff';
        ctx.beginPath();
        ctx.arc(x + g.cellW / 2, y + g.cellH / 2, 2.5, 0, Math.PI * 2);
        ctx.fill();
      }
    });
    if (focused) {
      ctx.globalAlpha = 1;
      ctx.strokeStyle = style.accent ?? style.text;
      ctx.lineWidth = 2;
      ctx.strokeRect(g.labelW, y, g.cellW * detail.slots.length, g.cellH);
    }
  });
  ctx.globalAlpha = 1;
}
