import { useEffect, useRef, type RefObject } from 'react';
import { cssVar, sizeCanvas } from '../../ui/use-canvas.ts';
import { NODE_H, NODE_W, type TreeLayout } from '../../viz/tree-layout.ts';
import type { Transform } from './use-zoom.ts';

const W = 220;
const H = 64;

/** Where the layout's point (x, y) falls on the minimap, and back. */
export function minimapScale(layout: TreeLayout): { s: number; ox: number; oy: number } {
  const bw = layout.x1 - layout.x0 + NODE_W;
  const bh = layout.y1 - layout.y0 + NODE_H;
  const s = Math.min((W - 8) / bw, (H - 8) / bh);
  return { s, ox: 4 - (layout.x0 - NODE_W / 2) * s, oy: 4 - (layout.y0 - NODE_H / 2) * s };
}

/**
 * The whole drawn tree in small, with the viewport as a rectangle; a click or drag there moves
 * the camera. The rectangle is moved by `place` from the zoom handler (no React render).
 */
export function Minimap({ layout, view, onJump }: { layout: TreeLayout; view: RefObject<HTMLDivElement | null>; onJump: (x: number, y: number) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = canvas.current;
    const ctx = el && sizeCanvas(el, W, H);
    if (!ctx) return;
    const { s, ox, oy } = minimapScale(layout);
    ctx.clearRect(0, 0, W, H);
    ctx.fillStyle = cssVar('--muted', '#69707d');
    const w = Math.max(1, NODE_W * s);
    const h = Math.max(1.5, NODE_H * s);
    for (const n of layout.nodes) ctx.fillRect(ox + (n.x - NODE_W / 2) * s, oy + (n.y - NODE_H / 2) * s, w, h);
  }, [layout]);
  const jump = (e: React.PointerEvent): void => {
    if (e.buttons !== 1 && e.type !== 'pointerdown') return;
    const r = e.currentTarget.getBoundingClientRect();
    const { s, ox, oy } = minimapScale(layout);
    onJump((e.clientX - r.left - ox) / s, (e.clientY - r.top - oy) / s);
  };
  return (
    <div className="tree-minimap" aria-hidden="true" style={{ width: W, height: H }} onPointerDown={jump} onPointerMove={jump}>
      <canvas ref={canvas} />
      <div ref={view} className="tree-minimap-view" data-testid="minimap-view" />
    </div>
  );
}

/** Moves the minimap's viewport rectangle to what the camera shows. */
export function placeMinimapView(el: HTMLDivElement | null, layout: TreeLayout, t: Transform, width: number, height: number): void {
  if (!el) return;
  const { s, ox, oy } = minimapScale(layout);
  const x0 = Math.max(0, ox + (-t.x / t.k) * s);
  const y0 = Math.max(0, oy + (-t.y / t.k) * s);
  const x1 = Math.min(W, ox + ((width - t.x) / t.k) * s);
  const y1 = Math.min(H, oy + ((height - t.y) / t.k) * s);
  el.style.left = `${x0}px`;
  el.style.top = `${y0}px`;
  el.style.width = `${Math.max(2, x1 - x0)}px`;
  el.style.height = `${Math.max(2, y1 - y0)}px`;
}
