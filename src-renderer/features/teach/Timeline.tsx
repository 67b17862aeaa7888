import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { TeachStore } from './teach-store.ts';
import { SHAPE_KINDS, STEP_LABELS } from './step-labels.ts';
import { useTeach } from './use-teach.ts';

/** Every step so far, grouped by operation; a click jumps there. */
export function Timeline({ store }: { store: TeachStore }) {
  const { session, position } = useTeach(store, useShallow((s) => ({ session: s.session!, position: s.position, revision: s.revision })));
  const list = useRef<HTMLDivElement>(null);
  const current = useRef<HTMLButtonElement>(null);
  // Keep the current step in view inside the list (not by scrolling the page).
  useEffect(() => {
    const box = list.current;
    const item = current.current;
    if (box && item) box.scrollTop = Math.max(0, item.offsetTop - box.clientHeight / 2);
  }, [position]);
  const groups: { title: string; from: number; to: number }[] = [{ title: 'Start', from: 0, to: 0 }];
  session.file.ops.forEach((o, i) => groups.push({ title: o, from: session.opStart[i]!, to: (session.opStart[i + 1] ?? session.steps.length) - 1 }));
  const lessonEnd = session.lessonEnd;
  return (
    <nav className="timeline" aria-label="Timeline">
      <div className="timeline-list" ref={list}>
        {groups.map((g) => (
          <div key={g.from} className="timeline-op">
            <div className="timeline-op-title mono">{g.title}</div>
            <ol>
              {session.steps.slice(g.from, g.to + 1).map((step, k) => {
                const i = g.from + k;
                return (
                  <li key={i}>
                    <button
                      type="button"
                      ref={i === position ? current : undefined}
                      className={`timeline-step${i === position ? ' current' : ''}${SHAPE_KINDS.has(step.kind) ? ' shape' : ''}${i === lessonEnd ? ' asks' : ''}`}
                      aria-current={i === position ? 'step' : undefined}
                      onClick={() => store.getState().seek(i)}
                    >
                      <span className="num">{i}</span>
                      {STEP_LABELS[step.kind]}
                      {i === lessonEnd && <span className="badge accent">question</span>}
                    </button>
                  </li>
                );
              })}
            </ol>
          </div>
        ))}
      </div>
    </nav>
  );
}
