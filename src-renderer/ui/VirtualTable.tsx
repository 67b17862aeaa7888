import { useEffect, useRef, useState, type ReactNode } from 'react';

export interface Column {
  label: string;
  /** CSS grid track, e.g. "1fr" or "120px". */
  width: string;
  numeric?: boolean;
  /** Makes the header a sort button for this key. */
  sortKey?: string;
}

/**
 * A table that renders only the rows in view, so a million exceptions scroll as smoothly as ten.
 * Rows come from `row(index)` (null = not loaded yet); `onVisible` says which rows are on screen.
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
}) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const headH = 32;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - 5);
  const last = Math.min(rowCount - 1, Math.ceil((scrollTop + height) / rowHeight) + 5);
  useEffect(() => {
    if (rowCount > 0) onVisible?.(first, last);
  }, [first, last, rowCount, onVisible]);
  const template = columns.map((c) => c.width).join(' ');
  const rows: ReactNode[] = [];
  for (let i = first; i <= last; i++) {
    const cells = row(i);
    rows.push(
      <div key={i} className="vlist-row" role="row" aria-rowindex={i + 2} style={{ top: headH + i * rowHeight, height: rowHeight, gridTemplateColumns: template }}>
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
    <div ref={box} className="vlist" style={{ height }} role="table" aria-label={label} aria-rowcount={rowCount + 1} tabIndex={0} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
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
      <div style={{ height: rowCount * rowHeight }} />
      {rows}
      {rowCount === 0 && <p className="empty">No exceptions match.</p>}
    </div>
  );
}
