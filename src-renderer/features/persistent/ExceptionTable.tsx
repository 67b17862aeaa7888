import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ExceptionSort } from '../../../src-core/api/contract.ts';
import { useApp } from '../../app/store-context.tsx';
import { useSearchFocus } from '../../app/use-search-focus.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { VirtualTable, type Column } from '../../ui/VirtualTable.tsx';
import { formatCount } from '../../viz/format.ts';
import { PAGE_ROWS } from '../../store/persistent-slice.ts';

const COLUMNS: Column[] = [
  { label: 'Entry', width: '1fr', numeric: true, sortKey: 'entry' },
  { label: 'Area', width: '0.7fr', numeric: true },
  { label: 'Origin chunk', width: '1.2fr', numeric: true, sortKey: 'origin' },
  { label: 'COW chunk', width: '1.2fr', numeric: true, sortKey: 'chunk' },
];

/** The on-disk exception table, virtualized, sortable, filtered by an origin range; pages load as they scroll into view. */
export function ExceptionTable({ height = 420 }: { height?: number }) {
  const { pages, stalePages, tableTop, matched, total, query, error, revision } = useApp(
    useShallow((s) => ({ pages: s.pages, stalePages: s.stalePages, tableTop: s.tableTop, matched: s.matched, total: s.total, query: s.query, error: s.tableError, revision: s.revision })),
  );
  const { showRows, setQuery, reloadTable } = useApp(useShallow((s) => ({ showRows: s.showRows, setQuery: s.setQuery, reloadTable: s.reloadTable })));
  // A check finding's entry, shown where the table is in on-disk order (row i is entry i).
  const finding = useApp((s) => s.findingFocus);
  const onDiskOrder = query.sort === 'entry' && !query.descending && query.originFrom === null && query.originTo === null;
  const mark = finding?.entry != null && onDiskOrder ? { row: finding.entry, seq: finding.seq } : null;
  const fromInput = useRef<HTMLInputElement>(null);
  useSearchFocus(fromInput);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  // The filter can be set from elsewhere (a chunk clicked on the map): the fields follow it.
  useEffect(() => {
    setFrom(query.originFrom === null ? '' : String(query.originFrom));
    setTo(query.originTo === null ? '' : String(query.originTo));
  }, [query.originFrom, query.originTo]);
  useEffect(() => {
    void reloadTable();
  }, [reloadTable, revision]);
  const row = (i: number): string[] | null => {
    const p = Math.floor(i / PAGE_ROWS);
    const r = (pages.get(p) ?? stalePages.get(p))?.[i % PAGE_ROWS];
    return r ? [formatCount(r.entry), String(r.area), formatCount(r.origin), formatCount(r.chunk)] : null;
  };
  const num = (v: string): number | null => (v.trim() === '' || !Number.isInteger(Number(v)) ? null : Number(v));
  return (
    <div className="grid" style={{ gap: 10 }}>
      <form
        className="row"
        aria-label="Filter by origin range"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ originFrom: num(from), originTo: num(to) });
        }}
      >
        <input ref={fromInput} className="input mono" style={{ width: 130 }} aria-label="Origin from" placeholder="origin from" value={from} onChange={(e) => setFrom(e.target.value)} />
        <input className="input mono" style={{ width: 130 }} aria-label="Origin to" placeholder="origin to" value={to} onChange={(e) => setTo(e.target.value)} />
        <button type="submit" className="btn">
          Filter
        </button>
        {(query.originFrom !== null || query.originTo !== null) && (
          <button
            type="button"
            className="btn"
            onClick={() => {
              setFrom('');
              setTo('');
              setQuery({ originFrom: null, originTo: null });
            }}
          >
            Clear
          </button>
        )}
        <span className="spacer" />
        <span className="muted" data-testid="exception-count" data-value={matched}>
          {formatCount(matched)} of {formatCount(total)} exceptions
        </span>
      </form>
      {error && <ErrorAlert error={error} onRetry={() => void reloadTable()} />}
      <VirtualTable
        label="Exception table"
        columns={COLUMNS}
        rowCount={matched}
        row={row}
        onVisible={showRows}
        resetKey={tableTop}
        mark={mark}
        height={height}
        sort={{ key: query.sort, descending: query.descending }}
        onSort={(key) => setQuery({ sort: key as ExceptionSort, descending: query.sort === key ? !query.descending : false })}
      />
    </div>
  );
}
