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
  /** Cells past the end of the device: the map's background. */
  empty: string;
  color: (c: ChunkClass) => string;
  /** Chunks to outline (the chunk gone to, the one a hover came from). */
  highlight?: ReadonlySet<number>;
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

/** Per canvas: its cells' pixels, reused frame after frame, and the palette's pixels. */
const cellImages = new WeakMap<HTMLCanvasElement, { image: ImageData; key: string; shades: Uint32Array; free: number; empty: number; tops: Int32Array; densities: Float64Array }>();

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

/** Where bucket `b` is in the canvas's own pixels (one per cell). */
export function cellPixel(grid: OccupancyGrid, b: number): { x: number; y: number } {
  return { x: b % grid.cols, y: Math.floor(b / grid.cols) };
}

/**
 * Paints the view from local data (no request): each cell's dominant class, at strength by
 * density, as ONE pixel of the canvas. The canvas holds cols × rows pixels and is shown scaled up
 * to the cells by CSS (padding places the cells, `image-rendering: pixelated` keeps them sharp),
 * so a frame is O(cells) in script and a tiny upload, whatever the size on screen. The gaps
 * between cells and outlines are drawn over it by the view, not here. Returns the cells holding a
 * highlighted chunk.
 */
export function paintCells(canvas: HTMLCanvasElement, grid: OccupancyGrid, view: OccupancyView, summary: OccupancySummary, palette: Palette): number[] {
  const { cols, rows, cell, left } = grid;
  if (canvas.width !== cols || canvas.height !== rows) {
    canvas.width = cols;
    canvas.height = rows;
  }
  const padding = `0px ${Math.max(0, grid.width - left - cols * cell)}px ${Math.max(0, grid.height - rows * cell)}px ${left}px`;
  if (canvas.style.padding !== padding) canvas.style.padding = padding;
  // Opaque: the compositor draws nothing under it.
  const ctx = canvas.getContext('2d', { alpha: false });
  if (!ctx) return [];
  let cells = cellImages.get(canvas);
  if (!cells || cells.image.width !== cols || cells.image.height !== rows) {
    cells = { image: new ImageData(cols, rows), key: '', shades: new Uint32Array(0), free: 0, empty: 0, tops: new Int32Array(0), densities: new Float64Array(0) };
    cellImages.set(canvas, cells);
  }
  // The palette's pixels, worked out again only when a colour or the classes change.
  const key = `${palette.free} ${palette.empty} ${summary.classes.map(palette.color).join(' ')}`;
  if (cells.key !== key) {
    const free = rgba(ctx, palette.free);
    const shades = new Uint32Array(summary.classes.length * STEPS);
    summary.classes.forEach((c, k) => {
      const color = rgba(ctx, palette.color(c));
      for (let s = 0; s < STEPS; s++) shades[k * STEPS + s] = mix(color, free, 0.3 + (0.7 * (s + 1)) / STEPS);
    });
    Object.assign(cells, { key, shades, free, empty: rgba(ctx, palette.empty) });
  }
  const { shades, free, empty } = cells;
  const px = new Uint32Array(cells.image.data.buffer);
  px.fill(empty);
  const marks = palette.highlight?.size ? [...palette.highlight] : [];
  const outlined: number[] = [];
  const end = view.start + view.span;
  const n = Math.min(view.cells, px.length);
  if (cells.tops.length < n) Object.assign(cells, { tops: new Int32Array(n), densities: new Float64Array(n) });
  const { tops, densities } = cells;
  summary.topsInto(view.start, view.per, n, end, tops, densities);
  for (let b = 0; b < n; b++) {
    const top = tops[b]!;
    px[b] = top >= 0 ? shades[top * STEPS + Math.min(STEPS - 1, Math.floor(Math.min(1, densities[b]!) * STEPS))]! : free;
  }
  for (const c of marks) {
    const b = Math.floor((c - view.start) / view.per);
    if (c >= view.start && c < end && b < n) outlined.push(b);
  }
  ctx.putImageData(cells.image, 0, 0);
  return outlined;
}

/** The gap between cells (CSS px): cleared right of and below each cell. */
export function cellGap(grid: OccupancyGrid): number {
  return grid.cell >= 14 ? 2 : 1;
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
