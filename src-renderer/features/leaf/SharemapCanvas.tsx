import { useCallback, useEffect, useRef, useState } from 'react';
import type { LeafDetailResult } from '../../../src-core/api/contract.ts';
import { cssVar, sizeCanvas, useColorScheme, useElementSize } from '../../ui/use-canvas.ts';
import { headTexts, hitHead, hitSharemap, paintSharemap, sharemapGeometry, type SharemapCell } from '../../viz/sharemap-painter.ts';

/** The sharemap matrix on one canvas (scrolls sideways when its columns need more room); the painter and hit-testing live in viz/. */
export function SharemapCanvas({ detail, highlightSlot, focusOrigin, names }: { detail: LeafDetailResult; highlightSlot: number | null; focusOrigin: number | null; names: ReadonlyMap<number, string> }) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(600);
  /** Under the pointer: a cell, or a column head (whose tip is the whole name). */
  const [tip, setTip] = useState<{ cell: SharemapCell | null; column: number; x: number; y: number } | null>(null);
  useElementSize(wrap, useCallback((w: number) => setWidth(w), []));
  useColorScheme(); // a theme change re-renders, and the effect below repaints in its colours
  const name = (slot: number): string => names.get(slot) || `slot ${slot}`;
  const heads = headTexts(detail.slots.map(name));
  const geometry = sharemapGeometry(detail, width, heads);
  useEffect(() => {
    const el = canvas.current;
    const ctx = el && sizeCanvas(el, geometry.width, geometry.height);
    if (!ctx) return;
    paintSharemap(ctx, detail, geometry, { free: cssVar('--free', '#e7eaef'), text: cssVar('--text', '#1c2230'), muted: cssVar('--muted', '#5d6778'), highlightSlot, focusOrigin, accent: cssVar('--accent', '#2f6fde') }, heads);
  });
  return (
    <div ref={wrap} style={{ position: 'relative', maxHeight: 560, overflow: 'auto' }} data-columns={detail.slots.length} data-cell-width={geometry.cellW} data-label-width={geometry.labelW} data-head-height={geometry.headH} data-heads={JSON.stringify(heads)}>
      <canvas
        ref={canvas}
        role="img"
        aria-label={`Sharemap: ${detail.rows.length} origin chunks by ${detail.slots.length} snapshots; the table lists the same cells`}
        onMouseMove={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          const x = e.clientX - r.left;
          const y = e.clientY - r.top;
          const cell = hitSharemap(detail, geometry, x, y);
          const column = cell?.column ?? hitHead(detail, geometry, x, y);
          setTip(column !== null ? { cell, column, x, y } : null);
        }}
        onMouseLeave={() => setTip(null)}
      >
        <SharemapCells detail={detail} names={names} />
      </canvas>
      {tip && (
        <div className="viz-tip" role="tooltip" style={{ left: Math.min(tip.x + 14, width - 240), top: tip.y + 14 }}>
          {tip.cell ? cellTip(tip.cell, name) : `snapshot ${name(detail.slots[tip.column]!)}`}
        </div>
      )}
    </div>
  );
}

function cellTip(cell: SharemapCell, name: (slot: number) => string): string {
  const reads = cell.chunk < 0 ? 'reads the origin (no exception)' : `reads COW chunk ${cell.chunk}${cell.readers.length > 1 ? `\nshared with ${cell.readers.filter((s) => s !== cell.slot).map(name).join(', ')}` : '\nonly this snapshot reads it'}`;
  return `origin chunk ${cell.origin}, ${name(cell.slot)}\n${reads}`;
}

/** The canvas's fallback content: every cell as text, for screen readers (and tests that read cells). */
function SharemapCells({ detail, names }: { detail: LeafDetailResult; names: ReadonlyMap<number, string> }) {
  return (
    <table>
      <thead>
        <tr>
          <th>origin chunk</th>
          {detail.slots.map((slot) => (
            <th key={slot}>{names.get(slot) || `slot ${slot}`}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {detail.rows.map((row) => (
          <tr key={row.origin}>
            <th>{row.origin}</th>
            {row.cells.map((chunk, i) => (
              <td key={detail.slots[i]} data-origin={row.origin} data-slot={detail.slots[i]} data-chunk={chunk}>
                {chunk < 0 ? 'origin' : `COW chunk ${chunk}`}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
