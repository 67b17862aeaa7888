import { useContext, useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';
import { snapshotColor } from '../../viz/colors.ts';
import { ChunkLegend, ChunkMap, OriginStrip } from './ChunkMap.tsx';
import { contextOf } from './context.ts';
import { TeachEngineContext } from './engine/engine-context.ts';
import { downloadLesson, readText } from './file-io.ts';
import { LeafEntries } from './LeafEntries.tsx';
import { LessonCard } from './LessonCard.tsx';
import { OpBar } from './OpBar.tsx';
import { StepCard } from './StepCard.tsx';
import { TeachTree } from './TeachTree.tsx';
import { asking, createTeachStore, STEP_MS, type TeachStore } from './teach-store.ts';
import { Timeline } from './Timeline.tsx';
import { useTeach } from './use-teach.ts';
import './teach.css';

const FREE = 'free';
const OPEN_STORE = 'open-store';

/** Teaching mode: watch the real engine work on a tiny store, one step at a time. */
export function TeachView() {
  const makeEngine = useContext(TeachEngineContext);
  const [store] = useState(() => createTeachStore(makeEngine));
  useEffect(() => store.getState().connect(), [store]);
  const ready = useTeach(store, (s) => s.session !== null && s.cellRoles !== null);
  usePlayer(store);
  useStepKeys(store);
  if (!ready) return <TeachLoading store={store} />;
  return (
    <div className="page teach">
      <TeachHead store={store} />
      <div className="teach-grid">
        <div className="teach-main">
          <StepCard store={store} />
          <Stage store={store} />
        </div>
        <div className="teach-side">
          <LessonCard store={store} />
          <OpBar store={store} />
          <Card title="Timeline" className="timeline-card">
            <Timeline store={store} />
          </Card>
        </div>
      </div>
    </div>
  );
}

function TeachLoading({ store }: { store: TeachStore }) {
  const error = useTeach(store, (s) => s.error);
  return (
    <div className="page teach">
      <div className="page-head teach-head">
        <h1>Teach</h1>
        <p className={error ? 'op-error' : 'muted'} role={error ? 'alert' : 'status'}>
          {error ?? 'Starting the teaching engine…'}
        </p>
      </div>
    </div>
  );
}

function TeachHead({ store }: { store: TeachStore }) {
  const session = useTeach(store, (s) => s.session!);
  const lessons = useTeach(store, (s) => s.lessons);
  const open = useApp((s) => s.session);
  const teachDump = useApp((s) => s.teachDump);
  const [loading, setLoading] = useState(false);
  const file = useRef<HTMLInputElement>(null);
  const { startLesson, startFree, startFromDump, exportFile, importFile } = store.getState();
  const value = session.lesson?.id ?? (session.source.kind === 'fresh' ? FREE : OPEN_STORE);
  const pick = async (id: string) => {
    if (id === FREE) return startFree();
    if (id !== OPEN_STORE) return startLesson(id);
    setLoading(true);
    const got = await teachDump();
    setLoading(false);
    if ('dump' in got) startFromDump(got.label, got.dump);
    else store.setState({ error: `${got.message} ${got.hint}` });
  };
  return (
    <div className="page-head teach-head">
      <h1>Teach</h1>
      <p>The shared B-tree, one step at a time: every step is the real engine’s.</p>
      <span className="spacer" />
      {/* The lesson's controls wrap as one group: alone, Import… dropped to a line of its own. */}
      <div className="row teach-head-tools">
        <label className="row lesson-pick">
          <span className="muted">Lesson</span>
          <select className="input" aria-label="Lesson" value={value} disabled={loading} onChange={(e) => void pick(e.target.value)}>
            {lessons.map((l, i) => (
              <option key={l.id} value={l.id} title={l.summary}>
                {i + 1}. {l.title}
              </option>
            ))}
            <option value={FREE}>Free play: an empty store</option>
            {(open?.format === 'shared' || value === OPEN_STORE) && <option value={OPEN_STORE}>The open store, in an overlay{loading ? ' (loading…)' : ''}</option>}
          </select>
        </label>
        <button
          type="button"
          className="btn"
          onClick={() => {
            const lessonFile = exportFile();
            if (lessonFile) downloadLesson(lessonFile);
          }}
        >
          Export
        </button>
        <button type="button" className="btn" onClick={() => file.current?.click()}>
          Import…
        </button>
      </div>
      <input
        ref={file}
        type="file"
        accept=".json,application/json"
        className="sr-only"
        aria-label="Lesson file"
        tabIndex={-1}
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) readText(f).then(importFile, (err: Error) => store.setState({ error: err.message }));
        }}
      />
    </div>
  );
}

/** The tree, the entries of the leaves in play, and the chunks of both devices. */
function Stage({ store }: { store: TeachStore }) {
  const { session, roles, position, verdict, selected, originChunk, originPicked, pointed } = useTeach(
    store,
    useShallow((s) => ({ session: s.session!, roles: s.cellRoles!, position: s.position, verdict: s.verdict, selected: s.selected, originChunk: s.originChunk, originPicked: s.originPicked, pointed: s.pointed, revision: s.revision })),
  );
  const { point, setOriginChunk } = store.getState();
  const step = session.steps[position]!;
  const ask = asking({ session, position, verdict });
  const picked = selected && step.state.tree.blocks.some((b) => b.kind === 'leaf' && b.chunk === selected.chunk) ? selected.chunk : null;
  const context = useMemo(() => contextOf(session, position), [session, position]);
  const answer = pointed === null || !verdict ? null : { chunk: pointed, correct: verdict.correct };
  return (
    <>
      <div className="teach-stage">
        <Card title={`B-tree · depth ${step.state.tree.levels + 1}`} className="tree-card">
          <TeachTree state={step.state} focus={step.focus} context={context} chunkBytes={session.chunkBytes} asking={ask} answer={answer} onPoint={point} />
        </Card>
        <Card title="Leaf entries" className="entries-card">
          <LeafEntries state={step.state} focus={step.focus} context={context} picked={picked} answer={answer} onPoint={point} />
        </Card>
      </div>
      <Card title={`COW chunks · ${step.state.cells.length} × ${session.chunkBytes} B`} actions={<SnapshotChips store={store} />} className="chunks-card">
        <ChunkMap state={step.state} focus={step.focus} roles={roles} asking={ask} answer={answer} onPoint={point} />
        <div className="origin-head">
          <h3>Origin chunks</h3>
          <span className="muted">click one to pick it for a write</span>
        </div>
        <OriginStrip state={step.state} focus={step.focus} picked={originPicked ? originChunk : null} onPick={setOriginChunk} />
        <ChunkLegend />
      </Card>
    </>
  );
}

function SnapshotChips({ store }: { store: TeachStore }) {
  const snapshots = useTeach(store, (s) => s.session!.steps[s.position]!.state.snapshots);
  const slot = useTeach(store, (s) => s.session!.steps[s.position]!.focus.slot);
  if (snapshots.length === 0) return <span className="muted">no snapshots</span>;
  return (
    <span className="snap-chips" aria-label="Snapshots">
      {snapshots.map((s) => (
        <span key={s.slot} className={`snap-chip${slot === s.slot ? ' focus' : ''}`}>
          <span className="swatch" style={{ background: snapshotColor(s.slot) }} />
          {s.name === `snapshot-${s.slot}` ? `snapshot ${s.slot}` : `${s.slot} · ${s.name}`}
        </span>
      ))}
    </span>
  );
}

/** Play advances one step per tick at the chosen speed and stops at the last step. */
function usePlayer(store: TeachStore): void {
  const { playing, speed } = useTeach(store, useShallow((s) => ({ playing: s.playing, speed: s.speed })));
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => store.getState().forward(), STEP_MS / speed);
    return () => clearInterval(timer);
  }, [store, playing, speed]);
}

/** ← and → step, Space plays and pauses — unless the learner is typing. */
function useStepKeys(store: TeachStore): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const tag = (e.target as HTMLElement | null)?.tagName ?? '';
      if (e.altKey || e.ctrlKey || e.metaKey || /^(INPUT|SELECT|TEXTAREA)$/.test(tag)) return;
      const s = store.getState();
      if (e.key === 'ArrowLeft') s.back();
      else if (e.key === 'ArrowRight') s.forward();
      // Space on a focused button presses that button instead.
      else if (e.key === ' ' && tag !== 'BUTTON') (s.playing ? s.pause : s.play)();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}
