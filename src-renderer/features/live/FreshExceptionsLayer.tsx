import { useEffect, useRef, type MutableRefObject } from 'react';
import { useApp, useAppStore } from '../../app/store-context.tsx';
import { cssVar, sizeCanvas } from '../../ui/use-canvas.ts';
import type { OccupancyGrid, OccupancyView } from '../../viz/occupancy-painter.ts';
import { fadeAlpha, fadeMs, freshCells } from './fresh-cells.ts';

/** Called by the occupancy map after each paint with what it shows, so a layer can draw over it. */
export type MapOverlay = (grid: OccupancyGrid, view: OccupancyView) => void;

/**
 * Over the occupancy map of a live COW: the cells of the exceptions the kernel added since the
 * previous refresh, filled and outlined, fading out until about the next refresh. A canvas of its
 * own (the map's is not repainted for the fade), following the map's camera through `bind`.
 */
export function FreshExceptionsLayer({ bind }: { bind: MutableRefObject<MapOverlay | null> }) {
  const store = useAppStore();
  const live = useApp((s) => s.session?.live !== undefined);
  const canvas = useRef<HTMLCanvasElement>(null);
  const shown = useRef<{ grid: OccupancyGrid; view: OccupancyView } | null>(null);

  useEffect(() => {
    let frame = 0;
    const draw = (): void => {
      cancelAnimationFrame(frame);
      const el = canvas.current;
      const on = shown.current;
      if (!el || !on || on.grid.width === 0) return;
      const ctx = sizeCanvas(el, on.grid.width, on.grid.height);
      if (!ctx) return;
      ctx.clearRect(0, 0, on.grid.width, on.grid.height);
      const { liveFresh: fresh, liveEvery } = store.getState();
      const alpha = fresh ? fadeAlpha(Date.now() - fresh.at, fadeMs(liveEvery)) : 0;
      const cells = fresh && alpha > 0 ? freshCells(fresh.chunks, on.view) : [];
      const { grid } = on;
      const size = grid.cell - (grid.cell >= 14 ? 2 : 1);
      const color = cssVar('--fresh', '#ff2d95');
      ctx.fillStyle = color;
      ctx.strokeStyle = color;
      ctx.lineWidth = 2;
      for (const b of cells) {
        const x = grid.left + (b % grid.cols) * grid.cell;
        const y = Math.floor(b / grid.cols) * grid.cell;
        ctx.globalAlpha = 0.55 * alpha;
        ctx.fillRect(x, y, size, size);
        ctx.globalAlpha = alpha;
        ctx.strokeRect(x + 1, y + 1, size - 2, size - 2);
      }
      ctx.globalAlpha = 1;
      // What is highlighted, for tests and people reading the DOM.
      el.dataset.fresh = String(fresh?.count ?? 0);
      el.dataset.cells = String(cells.length);
      el.dataset.alpha = alpha.toFixed(2);
      if (alpha > 0) frame = requestAnimationFrame(draw);
    };
    bind.current = (grid, view) => {
      shown.current = { grid, view };
      draw();
    };
    const off = store.subscribe((s, prev) => {
      if (s.liveFresh !== prev.liveFresh) draw();
    });
    draw();
    return () => {
      bind.current = null;
      off();
      cancelAnimationFrame(frame);
    };
  }, [store, bind, live]);

  if (!live) return null;
  return <canvas ref={canvas} aria-hidden="true" data-testid="fresh-exceptions" style={{ position: 'absolute', left: 0, top: 0, pointerEvents: 'none' }} />;
}
