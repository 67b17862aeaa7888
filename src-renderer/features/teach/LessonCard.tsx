import { useShallow } from 'zustand/react/shallow';
import { asking, type TeachStore } from './teach-store.ts';
import { useTeach } from './use-teach.ts';

/** The lesson: what to watch for first, then its question and the verdict on what was pointed at. */
export function LessonCard({ store }: { store: TeachStore }) {
  const { session, position, verdict, selected } = useTeach(store, useShallow((s) => ({ session: s.session!, position: s.position, verdict: s.verdict, selected: s.selected, revision: s.revision })));
  const lesson = session.lesson;
  const end = session.lessonEnd;
  const ask = asking({ session, position, verdict });
  if (!lesson) {
    return (
      <section className="card lesson-card" aria-labelledby="lesson-title">
        <h2 id="lesson-title">{session.source.kind === 'fresh' ? 'Free play' : 'The open store'}</h2>
        {session.source.kind === 'fresh' ? (
          <p className="lesson-intro">
            An empty store: {session.steps[0]!.state.cells.length} COW chunks of {session.chunkBytes} bytes over an origin of {session.originChunks} chunks. Create a snapshot,
            write the origin, and watch each step.
          </p>
        ) : (
          <>
            {session.source.kind === 'dump' && <p className="mono lesson-path">{session.source.label}</p>}
            <p className="lesson-intro">
              Rebuilt in memory from its dump: operations here run on that copy through a copy-on-write overlay and never reach the store. Its data reads as zeros and its tree
              is the dump’s packed rebuild, so the first writes may split at once.
            </p>
          </>
        )}
        {selected && <p className="lesson-note" role="status">{selected.text}.</p>}
      </section>
    );
  }
  return (
    <section className="card lesson-card" aria-labelledby="lesson-title">
      <h2 id="lesson-title">{lesson.title}</h2>
      {position < end || end < 0 ? (
        <>
          <p className="lesson-intro">{lesson.intro}</p>
          <p className="muted lesson-next">Press Play or Step forward to watch; the question comes at step {end}.</p>
        </>
      ) : (
        <div className={`question${ask ? ' open' : ''}`}>
          <p className="question-prompt">
            <strong>Question.</strong> {lesson.prompt}
          </p>
          {ask && !verdict && <p className="muted">Click it in the tree, in a leaf’s entries, or in the COW chunks below.</p>}
          {verdict && (
            <p className={`verdict ${verdict.correct ? 'ok' : 'bad'}`} role="status">
              {verdict.message}
            </p>
          )}
        </div>
      )}
      {selected && !ask && <p className="lesson-note" role="status">{selected.text}.</p>}
    </section>
  );
}
