import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../app/store-context.tsx';
import type { ToolTarget } from '../../store/tools-slice.ts';
import { Card } from '../../ui/Card.tsx';
import { formatCount } from '../../viz/format.ts';

/** Repair to a new file (never in place from the UI): what was kept and lost, as `snapscope repair --out` says. */
export function RepairCard({ target }: { target: ToolTarget | null }) {
  const { runRepair, result, busy } = useApp(useShallow((s) => ({ runRepair: s.runRepair, result: s.toolResults.repair, busy: s.toolBusy })));
  const [out, setOut] = useState('');
  return (
    <Card title="Repair to a new file" labelledBy="repair-title">
      <p className="muted" style={{ marginTop: 0 }}>
        Copies the COW (data included) to a new file and rebuilds its metadata from what check trusts. The source is only read.
      </p>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (target && out.trim()) void runRepair(target, out.trim());
        }}
      >
        <input className="input mono" style={{ flex: 1 }} aria-label="Repaired store file" placeholder="/path/repaired.cow (must not exist)" value={out} onChange={(e) => setOut(e.target.value)} />
        <button type="submit" className="btn" disabled={!target || !out.trim() || busy !== null}>
          {busy === 'repair' ? 'Repairing…' : 'Repair'}
        </button>
      </form>
      {result && (
        <div className="alert info" role="status" data-testid="repair-report" style={{ marginTop: 12 }}>
          <div>
            <strong>
              Repaired store written to <span className="mono">{result.target}</span>
            </strong>
            <p data-testid="repair-figures" data-kept={result.kept} data-lost={result.lost}>
              {result.errors} errors, {result.warnings} warnings found; {formatCount(result.kept)} exceptions kept, {formatCount(result.lost)} lost; {result.written} metadata chunks
              written.
            </p>
            {result.losses.length > 0 && (
              <ul className="loss-list">
                {result.losses.map((l, i) => (
                  <li key={i}>
                    origin chunk{l.first === l.last ? ` ${l.first}` : `s ${l.first}..${l.last}`}, snapshots {l.slots.join(', ') || 'none'} ({l.why})
                  </li>
                ))}
              </ul>
            )}
            {result.notes.map((n) => (
              <p key={n} className="muted">
                {n}
              </p>
            ))}
          </div>
        </div>
      )}
    </Card>
  );
}
