import { useEffect, useRef } from 'react';
import type { Focus, TeachLeaf, TeachState } from '../../../src-core/teach/index.ts';
import { snapshotColor } from '../../viz/colors.ts';
import { answerClass, type Answer } from './answer.ts';

export interface LeafEntriesProps {
  state: TeachState;
  focus: Focus;
  /** The blocks the operation has been about, most recent first (see context.ts). */
  context: readonly number[];
  /** A leaf the learner picked (shown besides the step's own). */
  picked: number | null;
  answer: Answer | null;
  onPoint(chunk: number): void;
}

/** The leaves a step is about, entry by entry: origin chunk → its copies and who reads them. */
export function LeafEntries({ state, focus, context, picked, answer, onPoint }: LeafEntriesProps) {
  const leaves = state.tree.blocks.filter((b): b is TeachLeaf => b.kind === 'leaf');
  const inFocus = new Set([...focus.blocks, ...focus.path.slice(-1), ...(picked === null ? [] : [picked])]);
  // A few leaves are all shown; of many, the ones in play (this step's, else the operation's latest).
  const recent = context.find((c) => leaves.some((l) => l.chunk === c));
  const focused = leaves.filter((l) => inFocus.has(l.chunk));
  const shown = leaves.length <= 3 ? leaves : focused.length ? focused : leaves.filter((l) => l.chunk === recent);
  const list = shown.length ? shown : leaves.slice(0, 1);
  const origins = new Set(focus.origins);
  const copies = new Set(focus.exceptions);
  const box = useRef<HTMLDivElement>(null);
  // Bring the step's entry into view (else the newest leaf in play), inside the panel only.
  useEffect(() => {
    const el = box.current;
    const target = el?.querySelector<HTMLElement>('tr.focus') ?? [...(el?.querySelectorAll<HTMLElement>('.leaf-card.focus') ?? [])].pop();
    if (el && target) el.scrollTop = Math.max(0, target.offsetTop - el.offsetTop - 8);
  }, [state, focus]);
  return (
    <div className="leaf-entries" aria-label="Leaf entries" ref={box}>
      {list.map((leaf) => (
        <section key={leaf.chunk} className={`leaf-card${inFocus.has(leaf.chunk) ? ' focus' : ''}`} aria-label={`Leaf ${leaf.chunk}`}>
          <header>
            <strong>leaf {leaf.chunk}</strong>
            <span className="muted">
              {leaf.entries.length} origin chunk{leaf.entries.length === 1 ? '' : 's'} · {leaf.freeBytes} B free
            </span>
          </header>
          {leaf.entries.length === 0 ? (
            <p className="muted leaf-empty">No entries: every origin chunk in its range is still read from the origin.</p>
          ) : (
            <table className="entries">
              <thead>
                <tr>
                  <th scope="col">origin</th>
                  <th scope="col">copies (COW chunk · share)</th>
                </tr>
              </thead>
              <tbody>
                {leaf.entries.map((e) => (
                  <tr key={e.origin} className={origins.has(e.origin) ? 'focus' : undefined}>
                    <th scope="row">{e.origin}</th>
                    <td>
                      {e.exceptions.map((x) => (
                        <button
                          key={x.chunk}
                          type="button"
                          className={`copy-chip${copies.has(x.chunk) ? ' focus' : ''}${answerClass(answer, x.chunk)}`}
                          data-chunk={x.chunk}
                          data-kind="copy"
                          aria-label={`copy in COW chunk ${x.chunk} of origin chunk ${e.origin}, read by snapshot${x.slots.length === 1 ? '' : 's'} ${x.slots.join(', ')}`}
                          onClick={() => onPoint(x.chunk)}
                        >
                          <span className="mono">{x.chunk}</span>
                          <span className="slots" aria-hidden="true">
                            {x.slots.map((s) => (
                              <span key={s} className="slot-dot" style={{ background: snapshotColor(s) }} title={`snapshot ${s}`}>
                                {s}
                              </span>
                            ))}
                          </span>
                          {state.data[x.chunk] && <span className="tag">{state.data[x.chunk]}</span>}
                        </button>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
    </div>
  );
}
