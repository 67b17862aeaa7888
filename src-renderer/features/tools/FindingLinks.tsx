import type { Finding } from '../../../src-core/api/contract.ts';
import { useApp } from '../../app/store-context.tsx';
import type { FindingView } from '../../store/tools-slice.ts';

/** Findings of chunks marked used that nothing references: no tree path or table entry leads to them. */
const UNREFERENCED = new Set(['s-bitmap-leak', 'p-usage-leak']);

/**
 * Where a finding points, as links into the views that show it there: the B-tree searched to the
 * leaf holding the chunk (shared), the exception table at the entry (persistent), and the
 * Occupancy map with its camera on the chunk — each marks it. A leaked chunk is on the map only
 * (for a shared store, where its bitmap bit says used).
 */
export function FindingLinks({ finding }: { finding: Finding }) {
  const format = useApp((s) => s.info?.format);
  const showFinding = useApp((s) => s.showFinding);
  const { chunk, entry } = finding.where;
  const where = { ...(chunk !== undefined && { chunk }), ...(entry !== undefined && { entry }) };
  const link = (view: FindingView, text: string) => (
    <button type="button" className="btn btn-sm link" data-view={view} onClick={() => void showFinding(where, view)}>
      {text}
    </button>
  );
  if (UNREFERENCED.has(finding.kind)) return <span className="finding-links">{chunk !== undefined && link('occupancy', `chunk ${chunk} ${format === 'shared' ? 'in the bitmap' : 'on the map'}`)}</span>;
  return (
    <span className="finding-links">
      {format === 'shared' && chunk !== undefined && link('btree', `chunk ${chunk} in the B-tree`)}
      {format === 'persistent' && (entry !== undefined || chunk !== undefined) && link('table', entry !== undefined ? `entry ${entry} in the table` : `chunk ${chunk} in the table`)}
      {chunk !== undefined && link('occupancy', `chunk ${chunk} on the map`)}
    </span>
  );
}
