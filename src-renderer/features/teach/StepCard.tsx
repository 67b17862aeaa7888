import { useShallow } from 'zustand/react/shallow';
import { lastStep, SPEEDS, type TeachStore } from './teach-store.ts';
import { STEP_LABELS } from './step-labels.ts';
import { useTeach } from './use-teach.ts';

/** The current step in words, and the player: Step back, Play/Pause, Step forward, speed. */
export function StepCard({ store }: { store: TeachStore }) {
  const { session, position, playing, speed } = useTeach(store, useShallow((s) => ({ session: s.session!, position: s.position, playing: s.playing, speed: s.speed, revision: s.revision })));
  const { back, forward, play, pause, setSpeed } = store.getState();
  const step = session.steps[position]!;
  const op = step.op >= 0 ? session.file.ops[step.op] : undefined;
  const speedIndex = Math.max(0, SPEEDS.indexOf(speed as (typeof SPEEDS)[number]));
  return (
    <section className="card step-card" aria-labelledby="step-title">
      <div className="step-head">
        <span className={`badge kind-${step.kind}`} id="step-title">
          {STEP_LABELS[step.kind]}
        </span>
        <span className="muted" data-testid="step-counter" data-position={position}>
          Step {position} of {lastStep(session)}
          {op ? (
            <>
              {' · '}
              <span className="mono">{op}</span>
            </>
          ) : null}
        </span>
        {step.events.length > 0 && (
          <details className="step-events">
            <summary>engine events ({step.events.length})</summary>
            <ol>
              {step.lines.map((line, i) => (
                <li key={i} className="mono">
                  {line}
                </li>
              ))}
            </ol>
          </details>
        )}
      </div>
      <p className="step-text" aria-live="polite" data-testid="step-text">
        {step.text}
      </p>
      <div className="player">
        <button type="button" className="btn" onClick={back} disabled={position === 0} aria-keyshortcuts="ArrowLeft">
          <Icon d="M3 2v10M12 2 5 7l7 5z" />
          Step back
        </button>
        {playing ? (
          <button type="button" className="btn btn-primary play" onClick={pause} aria-keyshortcuts="Space">
            <Icon d="M4 2h2v10H4zM8 2h2v10H8z" />
            Pause
          </button>
        ) : (
          <button type="button" className="btn btn-primary play" onClick={play} aria-keyshortcuts="Space">
            <Icon d="M4 2l8 5-8 5z" />
            Play
          </button>
        )}
        <button type="button" className="btn" onClick={forward} disabled={position >= lastStep(session)} aria-keyshortcuts="ArrowRight">
          Step forward
          <Icon d="M11 2v10M2 2l7 5-7 5z" />
        </button>
        <label className="speed">
          Speed
          <input
            type="range"
            min={0}
            max={SPEEDS.length - 1}
            step={1}
            value={speedIndex}
            aria-valuetext={`${speed}×`}
            onChange={(e) => setSpeed(SPEEDS[Number(e.target.value)] ?? 1)}
          />
          <output className="mono">{speed}×</output>
        </label>
      </div>
    </section>
  );
}

function Icon({ d }: { d: string }) {
  return (
    <svg className="icon" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">
      <path d={d} fill="currentColor" stroke="currentColor" strokeWidth="1" strokeLinejoin="round" />
    </svg>
  );
}
