import type { OccupancyResult } from '../../src-core/api/dto.ts';
import { bucketClasses, type ChunkClass } from './chunk-class.ts';
import type { OccupancySummary } from './occupancy-summary.ts';

/**
 * The occupancy map: the visible chunk range as a raster of cells, row by row, each cell one
 * bucket of chunks. Plain functions over a canvas context, so they are unit-testable.
 */
export interface OccupancyGrid {
  width: number;
  height: number;
  cell: number;
  cols: number;
  rows: number;
  /** Left margin that centres the columns in the width. */
  left: number;
}

const MIN_CELL = 9;
export const MAX_CELL = 40;

/** Cells as big as the visible span allows: a few chunks get big cells, millions get buckets. */
export function gridFor(width: number, height: number, span: number): OccupancyGrid {
  const ideal = Math.sqrt((width * height) / Math.max(span, 1));
  const cell = Math.max(MIN_CELL, Math.min(MAX_CELL, Math.floor(ideal)));
  const cols = Math.max(1, Math.floor(width / cell));
  const rows = Math.max(1, Math.floor(height / cell));
  return { width, height, cell, cols, rows, left: Math.max(0, Math.floor((width - cols * cell) / 2)) };
}

/** The narrowest useful view: one chunk per cell at the biggest cell size, the viewport filled. */
export function minSpanFor(width: number, height: number): number {
  const g = gridFor(width, height, 1);
  return Math.max(16, g.cols * g.rows);
}

/** Buckets to ask the API for: one per cell, never more than chunks. */
export function bucketsFor(grid: OccupancyGrid, span: number): number {
  return Math.max(1, Math.min(grid.cols * grid.rows, span));
}

export interface BucketSummary {
  bucket: number;
  first: number;
  /** Exclusive. */
  end: number;
  /** The class with most chunks, free only when the bucket is all free. */
  top: ChunkClass;
  /** Used chunks / chunks, 0..1. */
  density: number;
  /** Chunks per class, largest first, free last. */
  classes: [ChunkClass, number][];
}

export function summarize(data: OccupancyResult, bucket: number): BucketSummary | null {
  if (bucket < 0 || bucket >= data.buckets) return null;
  const first = data.start + bucket * data.chunksPerBucket;
  const end = Math.min(data.end, first + data.chunksPerBucket);
  const classes = bucketClasses(data, bucket);
  const used = classes.reduce((sum, [c, n]) => (c === 'free' ? sum : sum + n), 0);
  return { bucket, first, end, top: classes[0]?.[0] ?? 'free', density: used / Math.max(end - first, 1), classes };
}

export interface Palette {
  free: string;
  /** Outline of highlighted cells; follows the theme. */
  outline: string;
  color: (c: ChunkClass) => string;
  /** Chunks to outline (the chunk gone to, the one a hover came from). */
  highlight?: ReadonlySet<number>;
}

export function paintOccupancy(ctx: CanvasRenderingContext2D, grid: OccupancyGrid, data: OccupancyResult, palette: Palette): void {
  ctx.clearRect(0, 0, grid.width, grid.height);
  const gap = grid.cell >= 14 ? 2 : 1;
  const size = grid.cell - gap;
  const marks = [...(palette.highlight ?? [])];
  for (let b = 0; b < data.buckets; b++) {
    const s = summarize(data, b);
    if (!s) continue;
    const x = grid.left + (b % grid.cols) * grid.cell;
    const y = Math.floor(b / grid.cols) * grid.cell;
    ctx.globalAlpha = 1;
    ctx.fillStyle = palette.free;
    ctx.fillRect(x, y, size, size);
    if (s.top !== 'free') {
      // Density at coarse zoom: a half-used bucket shows half-strength colour.
      ctx.globalAlpha = 0.3 + 0.7 * s.density;
      ctx.fillStyle = palette.color(s.top);
      ctx.fillRect(x, y, size, size);
    }
    if (marks.some((c) => c >= s.first && c < s.end)) {
      ctx.globalAlpha = 1;
      ctx.strokeStyle = palette.outline;
      ctx.lineWidth = 2;
      ctx.strokeRect(x + 1, y + 1, size - 2, size - 2);
    }
  }
  ctx.globalAlpha = 1;
}

/** The bucket under a point of the canvas (CSS pixels), or null. */
export function hitTest(grid: OccupancyGrid, data: OccupancyResult, x: number, y: number): BucketSummary | null {
  if (x < grid.left || y < 0) return null;
  const col = Math.floor((x - grid.left) / grid.cell);
  const row = Math.floor(y / grid.cell);
  if (col >= grid.cols) return null;
  return summarize(data, row * grid.cols + col);
}

/** Where bucket `b` is drawn: the centre of its cell (for tests and keyboard focus). */
export function cellCentre(grid: OccupancyGrid, b: number): { x: number; y: number } {
  return { x: grid.left + (b % grid.cols) * grid.cell + grid.cell / 2, y: Math.floor(b / grid.cols) * grid.cell + grid.cell / 2 };
}

/** The chunk range on screen and how it falls into cells: `per` chunks each, `cells` of them. */
export interface OccupancyView {
  start: number;
  span: number;
  per: number;
  cells: number;
}

export function viewFor(grid: OccupancyGrid, start: number, span: number): OccupancyView {
  const per = Math.max(1, Math.ceil(span / bucketsFor(grid, span)));
  return { start, span, per, cells: Math.ceil(span / per) };
}

/** One pixel buffer per canvas, reused frame after frame. */
const images = new WeakMap<HTMLCanvasElement, ImageData>();

/** Strength steps of a cell's colour (by density). */
const STEPS = 8;

/** `color` as 0xAABBGGRR (ImageData's little-endian order), through the context's own parser. */
function rgba(ctx: CanvasRenderingContext2D, color: string): number {
  ctx.fillStyle = '#000';
  ctx.fillStyle = color;
  const hex = String(ctx.fillStyle);
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return 0xff000000;
  return (0xff000000 | (parseInt(m[3]!, 16) << 16) | (parseInt(m[2]!, 16) << 8) | parseInt(m[1]!, 16)) >>> 0;
}

/** a over b at strength t (0..1), both 0xAABBGGRR. */
function mix(a: number, b: number, t: number): number {
  const ch = (shift: number): number => Math.round(((a >>> shift) & 255) * t + ((b >>> shift) & 255) * (1 - t));
  return (0xff000000 | (ch(16) << 16) | (ch(8) << 8) | ch(0)) >>> 0;
}

/**
 * Paints the view from local data (no request): each cell's dominant class, at strength by
 * density, written as pixels (one ImageData per frame, no path to rasterize), so a frame of
 * thousands of cells costs a few milliseconds even without a GPU.
 */
export function paintSummary(ctx: CanvasRenderingContext2D, grid: OccupancyGrid, view: OccupancyView, summary: OccupancySummary, palette: Palette): void {
  const canvas = ctx.canvas;
  const dpr = canvas.width / Math.max(1, grid.width);
  const W = canvas.width;
  const H = canvas.height;
  let image = images.get(canvas);
  if (!image || image.width !== W || image.height !== H) images.set(canvas, (image = ctx.createImageData(W, H)));
  const px = new Uint32Array(image.data.buffer);
  px.fill(0);
  const free = rgba(ctx, palette.free);
  const colors = summary.classes.map((c) => rgba(ctx, palette.color(c)));
  const shades = colors.flatMap((c) => Array.from({ length: STEPS }, (_, k) => mix(c, free, 0.3 + (0.7 * (k + 1)) / STEPS)));
  const gap = grid.cell >= 14 ? 2 : 1;
  const size = Math.max(1, Math.round((grid.cell - gap) * dpr));
  const marks = [...(palette.highlight ?? [])];
  const outlined: number[] = [];
  const end = view.start + view.span;
  for (let b = 0; b < view.cells; b++) {
    const first = view.start + b * view.per;
    const last = Math.min(end, first + view.per);
    const { top, density } = summary.topIn(first, last);
    const color = top >= 0 ? shades[top * STEPS + Math.min(STEPS - 1, Math.floor(Math.min(1, density) * STEPS))]! : free;
    const x0 = Math.round((grid.left + (b % grid.cols) * grid.cell) * dpr);
    const y0 = Math.round(Math.floor(b / grid.cols) * grid.cell * dpr);
    const x1 = Math.min(W, x0 + size);
    const y1 = Math.min(H, y0 + size);
    for (let y = y0; y < y1; y++) px.fill(color, y * W + x0, y * W + x1);
    if (marks.length && marks.some((c) => c >= first && c < last)) outlined.push(b);
  }
  ctx.putImageData(image, 0, 0);
  ctx.globalAlpha = 1;
  ctx.strokeStyle = palette.outline;
  ctx.lineWidth = 2;
  const cssSize = grid.cell - gap;
  for (const b of outlined) ctx.strokeRect(grid.left + (b % grid.cols) * grid.cell + 1, Math.floor(b / grid.cols) * grid.cell + 1, cssSize - 2, cssSize - 2);
}

/** The cell under a point of the canvas (CSS pixels), from local data, or null. */
export function hitSummary(grid: OccupancyGrid, view: OccupancyView, summary: OccupancySummary, x: number, y: number): BucketSummary | null {
  if (x < grid.left || y < 0) return null;
  const col = Math.floor((x - grid.left) / grid.cell);
  const b = Math.floor(y / grid.cell) * grid.cols + col;
  if (col >= grid.cols || b >= view.cells) return null;
  const first = view.start + b * view.per;
  const end = Math.min(view.start + view.span, first + view.per);
  const classes = summary.classesIn(first, end);
  const used = classes.reduce((sum, [c, n]) => (c === 'free' ? sum : sum + n), 0);
  return { bucket: b, first, end, top: classes[0]?.[0] ?? 'free', density: used / Math.max(end - first, 1), classes };
}
