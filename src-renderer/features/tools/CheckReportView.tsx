import type { CheckReport, Finding } from '../../../src-core/api/contract.ts';
import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';
import { Stat } from '../../ui/Stat.tsx';
import { formatCount } from '../../viz/format.ts';
import { FindingLinks } from './FindingLinks.tsx';

/** A check's findings grouped by kind (counts past the cap too), each linking to where it points. */
export function CheckReportView({ report, onStore }: { report: CheckReport; onStore: boolean }) {
  // What was walked, in the CLI's words: a shared store's tree blocks, a persistent one's areas (a path's format is not known here).
  const format = useApp((s) => (onStore ? (s.info?.format ?? null) : null));
  const walked = format === 'shared' ? 'Tree blocks walked' : format === 'persistent' ? 'Metadata areas walked' : 'Metadata walked';
  // Errors first (a kind with any error finding), then by count: one bad leaf must not sit below its leaked chunks.
  const severity = (kind: string): 'error' | 'warning' => (report.findings.some((f) => f.kind === kind && f.severity === 'error') ? 'error' : 'warning');
  const kinds = Object.entries(report.byKind)
    .map(([kind, count]) => ({ kind, count, severity: severity(kind) }))
    .sort((a, b) => (a.severity === b.severity ? b.count - a.count : a.severity === 'error' ? -1 : 1));
  return (
    <Card title={report.clean ? 'Check: clean' : 'Check: problems found'} labelledBy="check-title">
      <dl className="stats" style={{ margin: 0 }}>
        <Stat label="Errors" value={formatCount(report.errors)} testId="check-errors" raw={report.errors} />
        <Stat label="Warnings" value={formatCount(report.warnings)} testId="check-warnings" raw={report.warnings} />
        <Stat label={walked} value={formatCount(report.blocks)} sub={format === null ? 'tree blocks or metadata areas' : undefined} testId="check-blocks" raw={report.blocks} />
        <Stat label="Exceptions seen" value={formatCount(report.exceptions)} testId="check-exceptions" raw={report.exceptions} />
      </dl>
      {kinds.length === 0 && <p className="muted">Every block and exception is as the format requires.</p>}
      {kinds.map(({ kind, count, severity }) => (
        <details key={kind} className="finding-group" data-kind={kind} data-severity={severity} open={kinds.length <= 3}>
          <summary>
            <span className={severity === 'error' ? 'finding-severity error' : 'finding-severity'}>{severity} · </span>
            <span className="mono">{kind}</span> <span className="badge">{formatCount(count)}</span>
          </summary>
          <ul className="loss-list">
            {report.findings
              .filter((f) => f.kind === kind)
              .map((f, i) => (
                <li key={i} className={f.severity === 'error' ? 'finding error' : 'finding'}>
                  {f.message}
                  {f.expected ? <span className="muted"> (expected {f.expected})</span> : null}
                  {onStore && <FindingLinks finding={f} />}
                </li>
              ))}
          </ul>
        </details>
      ))}
      {report.truncated && <p className="muted">Only the first findings are listed; the counts include every one.</p>}
    </Card>
  );
}
