import type { ReactNode } from 'react';

export interface Column {
  label: string;
  /** Right-aligned figures. */
  num?: boolean;
  /** Named for screen readers only (a column of buttons). */
  hidden?: boolean;
}

/** A table in its scrolling frame: the header row, the rows, and one full-width line saying why there are none. */
export function DataTable({ columns, label, labelledBy, empty, children }: { columns: readonly Column[]; label?: string; labelledBy?: string; empty?: ReactNode; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className="data" aria-label={label} aria-labelledby={labelledBy}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col" className={c.num ? 'num' : undefined}>
                {c.hidden ? <span className="sr-only">{c.label}</span> : c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {children}
          {empty && (
            <tr>
              <td colSpan={columns.length} className="empty">
                {empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
