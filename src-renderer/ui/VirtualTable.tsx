import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { scrollGeometry } from './virtual-scroll.ts';

export interface Column {
  label: string;
  /** CSS grid track, e.g. "1fr" or "120px". */
  width: string;
  numeric?: boolean;
  /** Makes the header a sort button for this key. */
  sortKey?: string;
}

/**
 * A table that renders only the rows in view, so ten million exceptions scroll as smoothly as ten.
 * Rows come from `row(index)` (null = not loaded yet); `onVisible` says which rows are on screen.
 *
 * Browsers cap an element's height (Chromium at 2^25 px: 1.1M rows of 30 px), so the scroll range
 * is capped too and scaled (virtual-scroll.ts): the scrollbar spans every row, and the wheel and the
 * keys (arrows, Page Up/Down, Home, End) move by rows, not by scaled pixels. `top` is the virtual
 * offset in pixels; a change of `resetKey` scrolls back to the first row.
 */
export function VirtualTable({
  label,
  columns,
  rowCount,
  row,
  onVisible,
  height = 420,
  rowHeight = 30,
  sort,
  onSort,
  resetKey,
  mark,
}: {
  label: string;
  columns: readonly Column[];
  rowCount: number;
  row: (index: number) => ReactNode[] | null;
  onVisible?: (first: number, last: number) => void;
  height?: number;
  rowHeight?: number;
  sort?: { key: string; descending: boolean };
  onSort?: (key: string) => void;
  resetKey?: unknown;
  /** A row to scroll to (centred) and mark; scrolled to again when `seq` changes. */
  mark?: { row: number; seq: number } | null;
}) {
  const box = useRef<HTMLDivElement>(null);
  const headH = 32;
  // The rows' viewport: the box less its sticky header and 1 px borders.
  const geo = scrollGeometry(rowCount, rowHeight, height - headH - 2);
  const [top, setTopState] = useState(0);
  const topRef = useRef(0);
  /** The scrollTop we set ourselves: its scroll event is not the user's. */
  const ownScroll = useRef<number | null>(null);
  const clamped = Math.min(top, geo.maxTop);

  const setTop = (virtual: number): void => {
    const t = Math.max(0, Math.min(geo.maxTop, virtual));
    topRef.current = t;
    setTopState(t);
    const el = box.current;
    if (el) {
      const px = Math.round(t / geo.ratio);
      if (el.scrollTop !== px) {
        ownScroll.current = px;
        el.scrollTop = px;
      }
    }
  };
  const setTopLatest = useRef(setTop);
  setTopLatest.current = setTop;

  useLayoutEffect(() => {
    if (resetKey !== undefined) setTopLatest.current(0);
  }, [resetKey]);
  // Once per mark, as soon as the table has its row (the rows may arrive after the mark).
  const markedSeq = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (!mark || mark.seq === markedSeq.current || mark.row >= rowCount) return;
    markedSeq.current = mark.seq;
    setTopLatest.current(mark.row * rowHeight - (height - headH) / 2);
  }, [mark?.seq, mark?.row, rowCount]);

  // The wheel moves by unscaled pixels (a notch is a few rows at any table size), so it is ours.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const onWheel = (e: WheelEvent): void => {
      if (e.ctrlKey || Math.abs(e.deltaY) < Math.abs(e.deltaX)) return;
      e.preventDefault();
      const px = e.deltaMode === 1 ? e.deltaY * rowHeight : e.deltaMode === 2 ? e.deltaY * height : e.deltaY;
      setTopLatest.current(topRef.current + px);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [rowHeight, height]);

  const first = Math.max(0, Math.floor(clamped / rowHeight) - 5);
  const last = Math.min(rowCount - 1, Math.ceil((clamped + height) / rowHeight) + 5);
  useEffect(() => {
    if (rowCount > 0) onVisible?.(first, last);
  }, [first, last, rowCount, onVisible]);

  const onKey = (e: KeyboardEvent): void => {
    const pageRows = Math.max(1, Math.floor((height - headH) / rowHeight) - 1);
    const step: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: pageRows, PageUp: -pageRows, ' ': pageRows };
    if (e.key === 'Home') setTop(0);
    else if (e.key === 'End') setTop(geo.maxTop);
    else if (step[e.key] !== undefined) setTop((Math.round(topRef.current / rowHeight) + step[e.key]!) * rowHeight);
    else return;
    e.preventDefault();
  };

  // Row i sits at its virtual offset shifted by what the scaling took away at this scroll position.
  const shift = (box.current?.scrollTop ?? Math.round(clamped / geo.ratio)) - clamped;
  const template = columns.map((c) => c.width).join(' ');
  const rows: ReactNode[] = [];
  for (let i = first; i <= last; i++) {
    const cells = row(i);
    rows.push(
      <div key={i} className={i === mark?.row ? 'vlist-row marked' : 'vlist-row'} role="row" aria-rowindex={i + 2} data-row={i} aria-current={i === mark?.row || undefined} style={{ top: headH + i * rowHeight + shift, height: rowHeight, gridTemplateColumns: template }}>
        {cells
          ? cells.map((c, j) => (
              <span key={j} role="cell" style={{ textAlign: columns[j]?.numeric ? 'right' : 'left' }}>
                {c}
              </span>
            ))
          : <span className="muted">loading…</span>}
      </div>,
    );
  }
  return (
    <div
      ref={box}
      className="vlist"
      style={{ height }}
      role="table"
      aria-label={label}
      aria-rowcount={rowCount + 1}
      tabIndex={0}
      data-first-row={first}
      onKeyDown={onKey}
      onScroll={(e) => {
        const px = e.currentTarget.scrollTop;
        if (ownScroll.current !== null && Math.abs(px - ownScroll.current) <= 1) {
          ownScroll.current = null;
          setTopState(topRef.current); // re-render: the shift changed with the rounded scrollTop
          return;
        }
        ownScroll.current = null;
        topRef.current = Math.min(geo.maxTop, px * geo.ratio);
        setTopState(topRef.current);
      }}
    >
      <div className="vlist-head" role="row" style={{ height: headH, gridTemplateColumns: template }}>
        {columns.map((c) => (
          <span key={c.label} role="columnheader" style={{ textAlign: c.numeric ? 'right' : 'left' }} aria-sort={sort && c.sortKey === sort.key ? (sort.descending ? 'descending' : 'ascending') : undefined}>
            {c.sortKey && onSort ? (
              <button type="button" className="th-sort" onClick={() => onSort(c.sortKey as string)}>
                {c.label}
                {sort?.key === c.sortKey ? (sort.descending ? ' ↓' : ' ↑') : ''}
              </button>
            ) : (
              c.label
            )}
          </span>
        ))}
      </div>
      <div style={{ height: geo.spacer }} />
      {rows}
      {rowCount === 0 && <p className="empty">No exceptions match.</p>}
    </div>
  );
}
