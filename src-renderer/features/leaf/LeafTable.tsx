import { useEffect, useRef } from 'react';
import type { LeafDetailResult } from '../../../src-core/api/contract.ts';
import { snapshotColor } from '../../viz/colors.ts';
import { SHARED_COLOR } from '../../viz/sharemap-painter.ts';

/** Readers named up to this many; beyond, counted (the names are in the cell's title). */
const NAMED_READERS = 3;

/**
 * The leaf's map: each origin chunk with its exceptions (COW chunk and the snapshots reading it).
 * The table fits its card: readers' names too long for their cell end in an ellipsis (all of them in the title).
 */
export function LeafTable({ detail, names, focusOrigin }: { detail: LeafDetailResult; names: ReadonlyMap<number, string>; focusOrigin: number | null }) {
  const wrap = useRef<HTMLDivElement>(null);
  // The origin chunk the leaf was opened for scrolls into view (the table scrolls, not the page).
  useEffect(() => {
    const row = wrap.current?.querySelector<HTMLElement>('tr.selected');
    if (row && wrap.current) wrap.current.scrollTop = row.offsetTop - wrap.current.clientHeight / 2;
  }, [detail, focusOrigin]);
  return (
    <div ref={wrap} className="table-wrap" style={{ maxHeight: 560 }}>
      <table className="data" aria-label="Exceptions of this leaf">
        <thead>
          <tr>
            <th className="num">Origin chunk</th>
            <th className="num">Exceptions</th>
            <th>COW chunk → who reads it</th>
          </tr>
        </thead>
        <tbody>
          {detail.leaf.entries.map((e) => (
            <tr key={e.origin} data-origin={e.origin} className={e.origin === focusOrigin ? 'selected' : undefined} aria-current={e.origin === focusOrigin || undefined}>
              <td className="num">{e.origin}</td>
              <td className="num">{e.exceptions.length}</td>
              <td className="fill">
                <span className="row" style={{ gap: 12 }}>
                  {e.exceptions.map((x) => {
                    const readers = x.slots.map((s) => names.get(s) || `slot ${s}`).join(', ');
                    return (
                      <span key={x.chunk} className="row" style={{ gap: 4, flexWrap: 'nowrap', minWidth: 0 }} data-cow={x.chunk} data-slots={x.slots.join(',')} title={readers}>
                        <span className="swatch" style={{ background: x.slots.length > 1 ? SHARED_COLOR : snapshotColor(x.slots[0] ?? 0) }} />
                        <span className="mono">{x.chunk}</span>
                        <span className="muted elide" data-readers={readers}>
                          {x.slots.length <= NAMED_READERS ? readers : `${x.slots.length} snapshots`}
                        </span>
                      </span>
                    );
                  })}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
