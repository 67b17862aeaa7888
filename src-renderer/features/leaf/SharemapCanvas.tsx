import { useCallback, useEffect, useRef, useState } from 'react';
import type { LeafDetailResult } from '../../../src-core/api/contract.ts';
import { cssVar, sizeCanvas, useColorScheme, useElementSize } from '../../ui/use-canvas.ts';
import { headTexts, hitHead, hitSharemap, paintSharemap, sharemapGeometry, type SharemapCell, type SharemapGeometry } from '../../viz/sharemap-painter.ts';

/** The sharemap matrix on one canvas (scrolls sideways when its columns need more room); the painter and hit-testing live in viz/. */
export function SharemapCanvas({
  detail,
  highlightSlot,
  focusOrigin,
  names,
  onPick,
}: {
  detail: LeafDetailResult;
  highlightSlot: number | null;
  focusOrigin: number | null;
  names: ReadonlyMap<number, string>;
  onPick: (slot: number | null) => void;
}) {
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
      <ColumnHeads
        slots={detail.slots}
        geometry={geometry}
        name={name}
        picked={highlightSlot}
        onPick={onPick}
        onFocusColumn={(column) => setTip(column === null ? null : { cell: null, column, x: geometry.labelW + (column + 0.5) * geometry.cellW, y: geometry.headH - 4 })}
      />
      {tip && (
        <div className="viz-tip" role="tooltip" style={{ left: Math.min(tip.x + 14, width - 240), top: tip.y + 14 }}>
          {tip.cell ? cellTip(tip.cell, name) : `snapshot ${name(detail.slots[tip.column]!)}`}
        </div>
      )}
    </div>
  );
}

/**
 * The canvas's column heads as keys over it: one tab stop (roving tabindex), the arrow keys, Home
 * and End walk the columns; focus shows the whole name as hovering does; a press picks the column
 * as the snapshot legend does.
 */
function ColumnHeads({
  slots,
  geometry,
  name,
  picked,
  onPick,
  onFocusColumn,
}: {
  slots: readonly number[];
  geometry: SharemapGeometry;
  name: (slot: number) => string;
  picked: number | null;
  onPick: (slot: number | null) => void;
  onFocusColumn: (column: number | null) => void;
}) {
  const [current, setCurrent] = useState(0);
  const bar = useRef<HTMLDivElement>(null);
  const at = Math.min(current, slots.length - 1);
  const move = (column: number): void => {
    setCurrent(column);
    bar.current?.querySelectorAll<HTMLButtonElement>('button')[column]?.focus();
  };
  return (
    <div
      ref={bar}
      role="toolbar"
      aria-label="Sharemap columns"
      className="sharemap-heads"
      style={{ left: geometry.labelW, height: geometry.headH }}
      onKeyDown={(e) => {
        const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: slots.length - 1 }[e.key];
        if (to === undefined) return;
        e.preventDefault();
        move(Math.max(0, Math.min(slots.length - 1, to)));
      }}
    >
      {slots.map((slot, i) => (
        <button
          key={slot}
          type="button"
          tabIndex={i === at ? 0 : -1}
          aria-label={`snapshot ${name(slot)}`}
          aria-pressed={picked === slot}
          style={{ width: geometry.cellW }}
          onFocus={() => {
            setCurrent(i);
            onFocusColumn(i);
          }}
          onBlur={() => onFocusColumn(null)}
          onClick={() => onPick(picked === slot ? null : slot)}
        />
      ))}
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
