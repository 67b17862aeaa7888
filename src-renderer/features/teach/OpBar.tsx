import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { lastStep, type TeachStore } from './teach-store.ts';
import { useTeach } from './use-teach.ts';

/** Operations, typed ("write origin 5") or clicked; they run on the store as the last step left it. */
export function OpBar({ store }: { store: TeachStore }) {
  const { session, originChunk, slot, error } = useTeach(store, useShallow((s) => ({ session: s.session!, originChunk: s.originChunk, slot: s.slot, error: s.error, revision: s.revision })));
  const { run, setOriginChunk, setSlot, clearError } = store.getState();
  const [text, setText] = useState('');
  const snapshots = session.steps[lastStep(session)]!.state.snapshots;
  const active = snapshots.some((s) => s.slot === slot) ? slot : (snapshots[0]?.slot ?? null);
  const max = session.originChunks - 1;
  // Why the snapshot operations are off: a grey button alone does not say what to do first.
  const needsSnapshot = active === null ? 'Create a snapshot first' : undefined;
  return (
    <section className="card op-bar" aria-labelledby="op-title">
      <h2 id="op-title">Operations</h2>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void run(text).then((ran) => ran && setText(''));
        }}
      >
        <input
          className="input mono op-input"
          aria-label="Operation"
          placeholder="write origin 5"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (error) clearError();
          }}
        />
        <button type="submit" className="btn btn-primary" disabled={text.trim() === ''}>
          Run
        </button>
      </form>
      {error && (
        <p className="op-error" role="alert">
          {error}
        </p>
      )}
      <div className="op-quick">
        <button type="button" className="btn btn-sm" onClick={() => void run('create')}>
          Create snapshot
        </button>
        <label className="op-field">
          origin chunk
          <input
            className="input input-sm mono"
            type="number"
            min={0}
            max={max}
            value={originChunk}
            onChange={(e) => setOriginChunk(Math.max(0, Math.min(max, Math.floor(Number(e.target.value) || 0))))}
          />
        </label>
        <button type="button" className="btn btn-sm" onClick={() => void run(`write origin ${originChunk}`)}>
          Write origin
        </button>
        <label className="op-field">
          snapshot
          <select className="input input-sm" value={active ?? ''} disabled={active === null} onChange={(e) => setSlot(Number(e.target.value))}>
            {snapshots.map((s) => (
              <option key={s.slot} value={s.slot}>
                {s.slot === Number(s.name.replace('snapshot-', '')) ? `${s.slot}` : `${s.slot} · ${s.name}`}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn btn-sm" disabled={active === null} title={needsSnapshot} onClick={() => void run(`write snapshot ${active} ${originChunk}`)}>
          Write snapshot
        </button>
        <button type="button" className="btn btn-sm" disabled={active === null} title={needsSnapshot} onClick={() => void run(`delete ${active}`)}>
          Delete
        </button>
        <button type="button" className="btn btn-sm" disabled={active === null} title={needsSnapshot} onClick={() => void run(`merge ${active}`)}>
          Merge
        </button>
      </div>
    </section>
  );
}
