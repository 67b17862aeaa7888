import { describe, expect, it } from 'vitest';
import type { LeafDetailResult, NodeDto, OccupancyResult, TreeBlockDto } from '../../src-core/api/contract.ts';
import { maskSlots } from '../../src-core/api/mask.ts';
import { lowestSlot, snapshotColor } from '../../src-renderer/viz/colors.ts';
import { bucketsFor, cellCentre, gridFor, hitTest, summarize } from '../../src-renderer/viz/occupancy-painter.ts';
import { RangeCamera } from '../../src-renderer/viz/range-camera.ts';
import { cellAt, headTexts, hitSharemap, sharemapGeometry } from '../../src-renderer/viz/sharemap-painter.ts';
import { buildTree, keySummary, layoutTree } from '../../src-renderer/viz/tree-layout.ts';

it('gives every snapshot slot its own stable colour', () => {
  const colors = Array.from({ length: 64 }, (_, s) => snapshotColor(s));
  expect(new Set(colors).size).toBe(64);
  expect(snapshotColor(5)).toBe(colors[5]);
  expect(lowestSlot(0b1100n)).toBe(2);
  expect(maskSlots(0b1011n)).toEqual([0, 1, 3]);
});

it('occupancy: grid, buckets and hit-testing map pixels back to chunks and roles', () => {
  const grid = gridFor(400, 200, 100_000_000);
  expect(grid.cell).toBe(9);
  expect(bucketsFor(grid, 100_000_000)).toBe(grid.cols * grid.rows);
  expect(bucketsFor(gridFor(400, 200, 30), 30)).toBe(30);
  const data: OccupancyResult = { start: 100, end: 110, buckets: 5, chunksPerBucket: 2, counts: { leaf: [1, 0, 0, 0, 0], exception: [0, 2, 1, 0, 0], free: [1, 0, 1, 2, 2] } };
  expect(summarize(data, 0)).toMatchObject({ first: 100, end: 102, top: 'leaf', density: 0.5 });
  expect(summarize(data, 3)).toMatchObject({ top: 'free', density: 0 });
  const g = { width: 30, height: 30, cell: 10, cols: 3, rows: 3, left: 0 };
  expect(hitTest(g, data, 15, 5)?.first).toBe(102);
  expect(hitTest(g, data, 5, 15)?.first).toBe(106);
  expect(hitTest(g, data, 25, 15)).toBeNull();
  // A width that is not a multiple of the cell centres the columns; hits and centres agree.
  const wide = gridFor(405, 90, 30);
  expect(wide.left).toBe(Math.floor((405 - wide.cols * wide.cell) / 2));
  const c = cellCentre(wide, 4);
  expect(hitTest(wide, { ...data, buckets: 30, chunksPerBucket: 1, start: 0, end: 30 }, c.x, c.y)?.bucket).toBe(4);
});

it('range camera: zoom keeps the anchor, pan clamps to the device', () => {
  const cam = new RangeCamera(1000, 10);
  cam.zoom(4, 0.5);
  expect(cam.span).toBe(250);
  expect(cam.start + cam.span / 2).toBe(500);
  cam.pan(10_000);
  expect(cam.start).toBe(750);
  cam.zoom(1000);
  expect(cam.span).toBe(10);
  cam.reset();
  expect([cam.start, cam.span]).toEqual([0, 1000]);
});

it('tree layout: only expanded nodes show children, with key ranges from the parent', () => {
  const root: NodeDto = { kind: 'node', chunk: 1, count: 2, entries: [{ key: 0, chunk: 2 }, { key: 50, chunk: 3 }] };
  const leaf = (chunk: number): TreeBlockDto => ({ kind: 'leaf', chunk, base: 0, using: '0x1', count: 0, entries: [], freeBytes: 100 });
  const blocks = new Map<number, TreeBlockDto>([[1, root], [2, leaf(2)], [3, leaf(3)]]);
  expect(layoutTree(buildTree(1, 1, blocks, new Set())).nodes).toHaveLength(1);
  const tree = buildTree(1, 1, blocks, new Set(['1:0']));
  expect(tree.children?.map((c) => c.key)).toEqual(['0:0', '0:50']);
  expect(tree.children?.map((c) => [c.chunk, c.low, c.high])).toEqual([[2, 0, 50], [3, 50, null]]);
  const layout = layoutTree(tree);
  expect(layout.nodes).toHaveLength(3);
  expect(layout.nodes[1]!.y).toBeGreaterThan(layout.nodes[0]!.y);
});

it('tree layout: a wide node shows a window around the searched child and folds the rest', () => {
  const entries = Array.from({ length: 30 }, (_, i) => ({ key: i * 10, chunk: 100 + i }));
  const blocks = new Map<number, TreeBlockDto>([[1, { kind: 'node', chunk: 1, count: 30, entries }]]);
  const kids = buildTree(1, 1, blocks, new Set(['1:0']), [1, 120]).children!;
  expect(kids.map((k) => k.hidden ?? k.chunk)).toEqual([17, 117, 118, 119, 120, 121, 122, 123, 6]);
  expect(kids[0]?.key).toBe('more:1:0:0');
  expect(buildTree(1, 1, blocks, new Set(['1:0']), [], new Set(['1:0'])).children).toHaveLength(30);
});

it('sharemap: a cell tells which copy a snapshot reads and who shares it', () => {
  const detail: LeafDetailResult = {
    leaf: { kind: 'leaf', chunk: 9, base: 0, using: '0x7', count: 1, entries: [], freeBytes: 0 },
    slots: [0, 1, 2],
    rows: [{ origin: 4, cells: [20, 20, -1] }],
  };
  expect(cellAt(detail, 0, 1)).toMatchObject({ origin: 4, slot: 1, chunk: 20, readers: [0, 1] });
  expect(cellAt(detail, 0, 2)).toMatchObject({ chunk: -1, readers: [] });
  const g = sharemapGeometry(detail, 400);
  expect(hitSharemap(detail, g, g.labelW + g.cellW * 2 + 1, g.headH + 1)?.slot).toBe(2);
});

// Heads were cut to 14 characters slanted (and to the column flat), under a head 92 px tall whatever the names.
it('sharemap heads: written whole up to 32 characters, the head as tall as the longest needs, the map as wide as offered', () => {
  const detail = (n: number): LeafDetailResult => ({ leaf: { kind: 'leaf', chunk: 9, base: 0, using: '0x1', count: 0, entries: [], freeBytes: 0 }, slots: [...Array(n).keys()], rows: [] });
  const long = 'nightly-before-kernel-upgrade';
  expect(headTexts(['base', long])).toEqual(['base', long]);
  expect(headTexts(['base', 'x'.repeat(40)])[1]).toBe(`${'x'.repeat(31)}…`);
  // Four columns are wide, but not wide enough for the long name flat: slanted, and tall enough.
  const g = sharemapGeometry(detail(4), 600, headTexts(['base', long, 'a', 'b']));
  expect(g.slanted).toBe(true);
  expect(g.headH).toBeGreaterThanOrEqual(long.length * 6.7 * Math.sin(Math.PI / 3));
  expect(g.width).toBeLessThanOrEqual(600);
  // Short names of 64 columns: a short head.
  const days = headTexts([...Array(64).keys()].map((d) => `daily-2026-09-${String(d).padStart(2, '0')}`));
  expect(days[0]).toBe('…00');
  const short = sharemapGeometry(detail(64), 1200, days);
  expect(short.headH).toBeLessThan(60);
  expect(short.width).toBeLessThanOrEqual(1200);
  // Names that fit their columns stay flat.
  expect(sharemapGeometry(detail(3), 600, ['a', 'b', 'c']).slanted).toBe(false);
});

it('node keys shorten to fit a box, grouped like every other figure', () => {
  expect(keySummary([48, 98, 120, 150])).toBe('48 · 98 · 120 …');
  expect(keySummary([1201, 1241, 1279])).toBe('1,201 · 1,241 …');
  expect(keySummary([120, 1241, 1279])).toBe('120 · 1,241 …');
  expect(keySummary([120, 1241])).toBe('120 · 1,241');
  // The largest origin chunk of a 2^32-chunk device still fits with its separators.
  expect(keySummary([4_294_967_295, 4_294_967_296])).toBe('4,294,967,295 …');
  expect(keySummary([])).toBe('');
});

describe('sharemap marks (ADR 0007)', () => {
  it('one mark per copy: copies grouped by chunk, origin reads left out, overlapping joins in separate lanes', async () => {
    const { rowCopies, columnNames } = await import('../../src-renderer/viz/sharemap-painter.ts');
    // Slots 0..5: even slots share copy 10, odd ones copy 11 (spans overlap), slot 4 reads the origin.
    const copies = rowCopies([10, 11, 10, 11, -1, 12]);
    expect(copies.map((c) => [c.chunk, c.columns])).toEqual([
      [10, [0, 2]],
      [11, [1, 3]],
      [12, [5]],
    ]);
    expect(new Set(copies.filter((c) => c.columns.length > 1).map((c) => c.lane)).size).toBe(2);
    expect(rowCopies([7, 7, 8, 8]).map((c) => c.lane)).toEqual([0, 0]);
    expect(columnNames(['daily-2026-09-01', 'daily-2026-10-02'])).toEqual(['…09-01', '…10-02']);
    expect(columnNames(['base', 'snap'])).toEqual(['base', 'snap']);
  });
});
