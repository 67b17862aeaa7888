import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { OccupancyResult } from '../../../src-core/api/contract.ts';
import { useApp, useAppStore } from '../../app/store-context.tsx';
import { useZoomCommand } from '../../app/use-zoom-command.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { cssVar, useColorScheme, useElementSize } from '../../ui/use-canvas.ts';
import { classColor } from '../../viz/chunk-class.ts';
import { formatCount } from '../../viz/format.ts';
import { gridFor, hitSummary, minSpanFor, paintCells, viewFor, type BucketSummary, type OccupancyGrid, type OccupancyView } from '../../viz/occupancy-painter.ts';
import { OccupancySummary } from '../../viz/occupancy-summary.ts';
import { describeCell, describeRange } from '../../viz/occupancy-text.ts';
import { RangeCamera } from '../../viz/range-camera.ts';
import { FreshExceptionsLayer, type MapOverlay } from '../live/FreshExceptionsLayer.tsx';
import { drawGaps, drawOutlines } from './cell-overlay.ts';
import { OccupancyTip } from './OccupancyTip.tsx';

/** A camera at rest this long asks for detail (a drag or a burst of wheel notches asks once, at its end). */
const SETTLE_MS = 120;
/** While the camera moves, the range label is rewritten at most this often. */
const LABEL_MS = 250;

/**
 * The COW as a zoomable map of chunk buckets. The camera and the painter run outside React: every
 * camera move repaints on the next frame from data kept in the renderer (the store's whole-device
 * summary, or a finer window of detail around the view), so a drag or a wheel notch never waits for
 * the host. Where the summary is too coarse for the view, detail for a window three views wide is
 * asked for once the camera rests (latest wins) and painted when it arrives. React renders only
 * the frame, the tooltip and the buttons.
 */
export function OccupancyMap({ height = 420, onPick, focus = null }: { height?: number; onPick?: (chunk: number) => void; focus?: number | null }) {
  const store = useAppStore();
  const id = useId();
  const total = useApp((s) => s.info?.chunkCount ?? 0);
  const snapshots = useApp((s) => s.info?.snapshots);
  /** A persistent store has no allocation bitmap, so nothing in it can leak. */
  const leaks = useRef(true);
  leaks.current = useApp((s) => s.info?.format !== 'persistent');
  const nameOf = useRef((slot: number): string => `slot ${slot}`);
  nameOf.current = (slot) => snapshots?.find((x) => x.slot === slot)?.name || `slot ${slot}`;
  const revision = useApp((s) => s.revision);
  const error = useApp((s) => s.occupancyError);
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const camera = useRef(new RangeCamera(total));
  // Width 0 until the element is measured: no request goes out for a guessed size.
  const grid = useRef<OccupancyGrid>(gridFor(0, height, total));
  const [tip, setTip] = useState<{ s: BucketSummary; x: number; y: number } | null>(null);
  /** The range label, written by the camera's listener (not React state: a drag must not re-render). */
  const rangeLabel = useRef<HTMLSpanElement>(null);
  /** Colours of free cells and of the background, read from CSS once per scheme (not per frame: getComputedStyle forces a style pass). */
  const colours = useRef<{ free: string; empty: string } | null>(null);
  /** Drawn over the canvas's scaled-up pixels: the gaps between cells (CSS, restyled when the grid changes) and outlines. */
  const gaps = useRef<HTMLDivElement>(null);
  const outlines = useRef<HTMLDivElement>(null);
  const summaries = useRef<{ base: OccupancySummary | null; detail: OccupancySummary | null }>({ base: null, detail: null });
  const frames = useRef(0);

  const highlight = useRef<ReadonlySet<number>>(new Set());
  /** A live COW's new exceptions, drawn over the map (features/live). */
  const overlay = useRef<MapOverlay | null>(null);
  const view = (): OccupancyView => {
    const c = camera.current;
    grid.current = gridFor(grid.current.width, height, c.span);
    return viewFor(grid.current, c.start, c.span);
  };
  /** The finest local data that holds the view: detail if it covers it, else the summary. */
  const source = (v: OccupancyView): OccupancySummary | null => {
    const { base, detail } = summaries.current;
    if (detail && detail.serves(v.start, v.start + v.span, v.per)) return detail;
    return base && base.serves(v.start, v.start + v.span, Infinity) ? base : null;
  };

  const paint = useCallback(() => {
    const el = canvas.current;
    if (!el || grid.current.width === 0) return;
    const v = view();
    const data = source(v);
    if (!data) return;
    const t0 = performance.now();
    colours.current ??= { free: cssVar('--free', '#e7eaef'), empty: cssVar('--surface', '#ffffff') };
    const outlined = paintCells(el, grid.current, v, data, { ...colours.current, color: classColor, highlight: highlight.current });
    if (gaps.current) drawGaps(gaps.current, grid.current);
    if (outlines.current) drawOutlines(outlines.current, grid.current, outlined);
    // What is on screen, for tests, the benchmark and people reading the DOM.
    frames.current++;
    const tell = (key: string, value: string): void => {
      if (el.dataset[key] !== value) el.dataset[key] = value;
    };
    tell('range', `${v.start}-${v.start + v.span}`);
    tell('owners', String(data.owners));
    tell('detail', String(data === summaries.current.detail));
    tell('frames', String(frames.current));
    tell('marked', [...highlight.current].join(' '));
    tell('paintMs', (performance.now() - t0).toFixed(1));
    overlay.current?.(grid.current, v);
    drawCursor();
  }, [height]);

  const rangeText = (): string => {
    const c = camera.current;
    return `chunks ${formatCount(c.start)}–${formatCount(Math.max(c.start + c.span - 1, 0))} of ${formatCount(c.total)}`;
  };
  const showRange = (): void => {
    if (rangeLabel.current) rangeLabel.current.textContent = rangeText();
  };
  /** What the range holds, in words (the map's description): written once the camera rests and when data arrives. */
  const contents = useRef<HTMLSpanElement>(null);
  const describe = (): string => {
    const v = view();
    const data = source(v);
    const text = data && grid.current.width > 0 ? describeRange(data, v, leaks.current) : '';
    if (contents.current && contents.current.textContent !== text) contents.current.textContent = text;
    return text;
  };
  // What a screen reader hears after a zoom or pan by key: the range and what it holds once the camera rests, not per frame.
  const restedRange = useRef<HTMLSpanElement>(null);
  const sayRange = (): void => {
    const held = describe();
    if (restedRange.current) restedRange.current.textContent = `Showing ${rangeText()}${held ? `: ${held}` : ''}`;
  };
  /** The keyboard's cell (an index into the view's cells), shown while the map has focus; null before the first arrow key. */
  const cursor = useRef<number | null>(null);
  const cursorBox = useRef<HTMLDivElement>(null);
  const cellSaid = useRef<HTMLSpanElement>(null);
  const drawCursor = (): void => {
    const box = cursorBox.current;
    if (!box) return;
    const v = view();
    const g = grid.current;
    const b = cursor.current;
    if (b === null || b >= v.cells || document.activeElement !== wrap.current) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    // A ring around the cell (not on it), so the cell's own colour stays readable.
    Object.assign(box.style, { width: `${g.cell + 4}px`, height: `${g.cell + 4}px`, transform: `translate(${g.left + (b % g.cols) * g.cell - 2}px, ${Math.floor(b / g.cols) * g.cell - 2}px)` });
  };
  /** Moves the keyboard's cell by `step` cells, panning a row when it leaves the view, and says what the cell holds. */
  const moveCursor = (step: number): void => {
    const c = camera.current;
    const v = view();
    let b = (cursor.current ?? -step) + step;
    const cols = grid.current.cols;
    if (b < 0 && c.start > 0) {
      c.pan(-cols * v.per);
      b += cols;
    } else if (b >= v.cells && c.start + c.span < c.total) {
      c.pan(cols * v.per);
      b -= cols;
    }
    cursor.current = Math.max(0, Math.min(v.cells - 1, b));
    drawCursor();
    sayCell();
  };
  const sayCell = (): void => {
    const v = view();
    const data = source(v);
    const b = cursor.current;
    if (!data || b === null || !cellSaid.current) return;
    const a = v.start + b * v.per;
    cellSaid.current.textContent = describeCell(data, a, Math.min(v.start + v.span, a + v.per), nameOf.current);
  };

  /** Asks for detail where the summary is coarser than the cells (nothing when local data serves). */
  const request = useCallback(() => {
    if (grid.current.width === 0) return;
    const v = view();
    const { base, detail } = summaries.current;
    const end = v.start + v.span;
    if ((base && base.serves(v.start, end, v.per)) || (detail && detail.serves(v.start, end, v.per))) return;
    const from = Math.max(0, v.start - v.span);
    const to = Math.min(camera.current.total, end + v.span);
    void store.getState().loadOccupancy(from, to, Math.max(1, Math.ceil((to - from) / v.per)));
  }, [store, height]);

  useEffect(() => {
    const adopt = (base: OccupancyResult | null, detail: OccupancyResult | null): void => {
      const cur = summaries.current;
      summaries.current = {
        base: base === cur.base?.data ? cur.base : base && new OccupancySummary(base),
        detail: detail === cur.detail?.data ? cur.detail : detail && new OccupancySummary(detail),
      };
    };
    const st = store.getState();
    adopt(st.occupancySummary, st.occupancy);
    paint();
    describe();
    return store.subscribe((s, prev) => {
      if (s.occupancySummary === prev.occupancySummary && s.occupancy === prev.occupancy) return;
      adopt(s.occupancySummary, s.occupancy);
      paint();
      describe();
      request();
    });
  }, [store, paint, request]);
  useEffect(() => {
    highlight.current = new Set(focus === null ? [] : [focus]);
    if (focus !== null) camera.current.focus(focus);
    paint();
  }, [focus, paint]);
  const scheme = useColorScheme();
  useEffect(() => {
    colours.current = null;
    paint();
  }, [scheme, paint]);
  useEffect(() => {
    // While the camera moves: one repaint per frame from local data, and the range label at most
    // every LABEL_MS (its text change costs a layout). Once it rests for SETTLE_MS: the label, and
    // detail asked for if the local data is too coarse there.
    let frame = 0;
    let settle = 0;
    let labelled = 0;
    let moved = 0;
    /** Waits until no move for SETTLE_MS (one timer per burst, not one per pointer event). */
    const rest = (): void => {
      const still = performance.now() - moved;
      if (still < SETTLE_MS) {
        settle = window.setTimeout(rest, SETTLE_MS - still);
        return;
      }
      settle = 0;
      showRange();
      sayRange();
      request();
    };
    const off = camera.current.onChange(() => {
      frame ||= requestAnimationFrame((now) => {
        frame = 0;
        paint();
        if (now - labelled >= LABEL_MS) {
          labelled = now;
          showRange();
        }
      });
      moved = performance.now();
      settle ||= window.setTimeout(rest, SETTLE_MS);
    });
    return () => {
      off();
      cancelAnimationFrame(frame);
      clearTimeout(settle);
    };
  }, [paint, request]);
  useEffect(() => {
    camera.current.setTotal(total);
    showRange();
    // The store changed: its detail is stale; the summary is refetched (once for every map).
    summaries.current = { base: summaries.current.base, detail: null };
    void store.getState().loadOccupancySummary();
    request();
  }, [total, revision, request, store]);
  useElementSize(
    wrap,
    useCallback(
      (w: number) => {
        if (w > 0 && w !== grid.current.width) {
          grid.current = { ...grid.current, width: w };
          camera.current.minSpan = minSpanFor(w, height);
          paint();
          request();
        }
      },
      [paint, request, height],
    ),
  );

  const at = (e: { clientX: number; clientY: number }): { s: BucketSummary | null; x: number; y: number } => {
    const r = canvas.current?.getBoundingClientRect();
    const v = view();
    const data = source(v);
    if (!r || !data) return { s: null, x: 0, y: 0 };
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    return { s: hitSummary(grid.current, v, data, x, y), x, y };
  };

  const drag = useRef<{ y: number; start: number; moved: boolean } | null>(null);
  const chunksPerRow = (): number => Math.max(1, Math.round(camera.current.span / Math.max(grid.current.rows, 1)));

  // Pointer and wheel as native listeners: a drag's moves go to the camera without React's event
  // objects. Wheel zoom keeps the bucket under the pointer in place (non-passive, to stop page scroll).
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const onWheel = (e: WheelEvent): void => {
      e.preventDefault();
      const hit = at(e).s;
      const c = camera.current;
      const fraction = hit ? (hit.first - c.start) / Math.max(c.span, 1) : 0.5;
      c.zoom(e.deltaY < 0 ? 1.5 : 1 / 1.5, fraction);
    };
    const onDown = (e: PointerEvent): void => {
      drag.current = { y: e.clientY, start: camera.current.start, moved: false };
    };
    const onMove = (e: PointerEvent): void => {
      if (drag.current && e.buttons === 1) {
        if (Math.abs(e.clientY - drag.current.y) > 3) drag.current.moved = true;
        const rows = (drag.current.y - e.clientY) / grid.current.cell;
        camera.current.pan(drag.current.start + rows * chunksPerRow() - camera.current.start);
        return;
      }
      const { s, x, y } = at(e);
      setTip(s ? { s, x, y } : null);
    };
    const onUp = (e: PointerEvent): void => {
      // A drag that came back to where it started is still a drag, not a click.
      const moved = drag.current && (drag.current.moved || Math.abs(e.clientY - drag.current.y) > 3);
      drag.current = null;
      const hit = at(e).s;
      if (moved || !hit) return;
      // A click on a bucket zooms into it; on a single chunk it picks that chunk.
      const c = camera.current;
      if (hit.end - hit.first > 1) c.zoom(4, (hit.first - c.start) / Math.max(c.span, 1));
      else onPick?.(hit.first);
    };
    const onLeave = (): void => setTip(null);
    el.addEventListener('wheel', onWheel, { passive: false });
    el.addEventListener('pointerdown', onDown);
    el.addEventListener('pointermove', onMove);
    el.addEventListener('pointerup', onUp);
    el.addEventListener('pointerleave', onLeave);
    return () => {
      el.removeEventListener('wheel', onWheel);
      el.removeEventListener('pointerdown', onDown);
      el.removeEventListener('pointermove', onMove);
      el.removeEventListener('pointerup', onUp);
      el.removeEventListener('pointerleave', onLeave);
    };
  });

  useZoomCommand((kind) => {
    const c = camera.current;
    if (kind === 'in') c.zoom(2);
    else if (kind === 'out') c.zoom(0.5);
    else c.reset();
  });

  return (
    <div>
      <div className="row" style={{ marginBottom: 8 }}>
        <span className="muted" data-testid="occupancy-range" id={`${id}-range`} ref={rangeLabel} />
        <span className="sr-only" role="status" aria-live="polite" data-testid="occupancy-range-said" ref={restedRange} />
        <span className="sr-only" id={`${id}-contents`} data-testid="occupancy-contents" ref={contents} />
        <span className="sr-only" role="status" aria-live="polite" data-testid="occupancy-cell-said" ref={cellSaid} />
        <span className="spacer" />
        <button type="button" className="btn btn-sm" aria-label="Zoom in on the map" onClick={() => camera.current.zoom(2)}>
          +
        </button>
        <button type="button" className="btn btn-sm" aria-label="Zoom out of the map" onClick={() => camera.current.zoom(0.5)}>
          −
        </button>
        <button type="button" className="btn btn-sm" onClick={() => camera.current.reset()}>
          Whole device
        </button>
      </div>
      {error && <ErrorAlert error={error} />}
      <div
        ref={wrap}
        className="viz occupancy"
        style={{ height }}
        tabIndex={0}
        role="application"
        aria-label="Occupancy map. Arrow keys move through its cells and read each, Enter zooms into one; plus and minus zoom, Page Up and Page Down pan, 0 shows the whole device."
        aria-describedby={`${id}-range ${id}-contents`}
        onBlur={() => {
          if (cursorBox.current) cursorBox.current.hidden = true;
        }}
        onFocus={drawCursor}
        onKeyDown={(e) => {
          const c = camera.current;
          const keys: Record<string, () => void> = {
            '+': () => c.zoom(2),
            '=': () => c.zoom(2),
            '-': () => c.zoom(0.5),
            '0': () => c.reset(),
            PageDown: () => c.pan(c.span / 4),
            PageUp: () => c.pan(-c.span / 4),
            ArrowRight: () => moveCursor(1),
            ArrowLeft: () => moveCursor(-1),
            ArrowDown: () => moveCursor(grid.current.cols),
            ArrowUp: () => moveCursor(-grid.current.cols),
            Enter: () => {
              // As a click: zoom into the cell, or pick its chunk.
              const b = cursor.current;
              if (b === null) return;
              const v = view();
              const a = v.start + b * v.per;
              if (v.per > 1) c.zoom(4, (a - c.start) / Math.max(c.span, 1));
              else onPick?.(a);
            },
          };
          const action = keys[e.key];
          if (action) {
            e.preventDefault();
            action();
          }
        }}
      >
        <canvas
          ref={canvas}
          style={{ boxSizing: 'border-box', imageRendering: 'pixelated' }}
        />
        <div ref={gaps} aria-hidden="true" style={{ position: 'absolute', top: 0, pointerEvents: 'none' }} />
        <div ref={outlines} aria-hidden="true" style={{ position: 'absolute', inset: 0, pointerEvents: 'none' }} />
        <div ref={cursorBox} hidden data-cursor="" aria-hidden="true" className="occupancy-cursor" />
        <FreshExceptionsLayer bind={overlay} />
        {tip && <OccupancyTip s={tip.s} left={Math.min(tip.x + 14, grid.current.width - 260)} top={tip.y + 14} />}
      </div>
    </div>
  );
}
