import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import type { ToolTarget } from '../../store/tools-slice.ts';
import { PathField } from '../start/PathField.tsx';
import { CheckReportView } from './CheckReportView.tsx';
import { DumpCard } from './DumpCard.tsx';
import { RepairCard } from './RepairCard.tsx';
import { RestoreCard } from './RestoreCard.tsx';
import { StatsReportView } from './StatsReportView.tsx';
import { WriteCard } from './WriteCard.tsx';

/**
 * What the CLI does beside the views: check, stats, repair and dump — on the open store, or on a
 * COW path that will not open — restore from a dump, and data writes to the origin or a snapshot.
 */
export function ToolsView() {
  const session = useApp((s) => s.session);
  const { toolResults, toolError, toolBusy, runCheck, runStats } = useApp(
    useShallow((s) => ({ toolResults: s.toolResults, toolError: s.toolError, toolBusy: s.toolBusy, runCheck: s.runCheck, runStats: s.runStats })),
  );
  const [path, setPath] = useState('');
  // Unchosen (null) follows the session: the view can mount before the store opens (a reload at #/tools).
  const [chosePath, setChosePath] = useState<boolean | null>(null);
  const onPath = chosePath ?? session === null;
  const target: ToolTarget | null = onPath || !session ? (path.trim() ? { cow: path.trim() } : null) : { session: session.session };
  return (
    <div className="page">
      <div className="page-head">
        <h1>Tools</h1>
        <p>Check, statistics, repair and dump walk the raw metadata, so they also work on a store too damaged to open. Writes go through the open store.</p>
      </div>
      <Card title="Target" labelledBy="tools-target">
        <div className="grid" style={{ gap: 8 }}>
          {session && (
            <label className="row" style={{ gap: 6 }}>
              <input type="radio" name="tool-target" checked={!onPath} onChange={() => setChosePath(false)} />
              The open store <span className="mono">{session.cow}</span>
            </label>
          )}
          <label className="row" style={{ gap: 6 }}>
            {session && <input type="radio" name="tool-target" checked={onPath} onChange={() => setChosePath(true)} />}A COW image or device at a path (read-only)
          </label>
          {(onPath || !session) && <PathField label="COW path for the tools" value={path} onChange={setPath} />}
        </div>
        <div className="row" style={{ marginTop: 12 }}>
          <button type="button" className="btn btn-primary" disabled={!target || toolBusy !== null} onClick={() => target && void runCheck(target)}>
            {toolBusy === 'check' ? 'Checking…' : 'Run check'}
          </button>
          <button type="button" className="btn" disabled={!target || toolBusy !== null} onClick={() => target && void runStats(target)}>
            {toolBusy === 'stats' ? 'Counting…' : 'Statistics'}
          </button>
        </div>
      </Card>
      {toolError && <ErrorAlert error={toolError} title="The tool did not finish" />}
      {toolResults.check && <CheckReportView report={toolResults.check} onStore={target !== null && 'session' in target} />}
      {toolResults.stats && <StatsReportView report={toolResults.stats} />}
      <div className="grid grid-2">
        <RepairCard target={target} />
        <DumpCard target={target} />
      </div>
      <RestoreCard />
      {session && <WriteCard />}
    </div>
  );
}
