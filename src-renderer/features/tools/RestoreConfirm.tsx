import { useState } from 'react';
import type { RestoreResultDto } from '../../../src-core/api/contract.ts';
import type { ViewError } from '../../store/errors.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { formatBytes, formatCount } from '../../viz/format.ts';

/**
 * The question before a restore, from its dry run: what will be written where, what the target
 * holds now and loses, what the dump brings. A target holding data needs the box ticked (the
 * API's `force`); the focus starts on Cancel or on that box, so Enter never restores by default.
 */
export function RestoreConfirm({ plan, dumpName, onConfirm, onClose }: { plan: RestoreResultDto; dumpName: string; onConfirm: (force: boolean) => Promise<ViewError | null>; onClose: () => void }) {
  const [force, setForce] = useState(false);
  return (
    <ConfirmDialog title="Restore from a dump?" confirmLabel="Restore" danger wide disabled={plan.needsForce && !force} onClose={onClose} onConfirm={() => onConfirm(force)}>
      <dl className="kv" data-testid="restore-plan" data-mode={plan.mode}>
        <dt>Will</dt>
        <dd>{plan.would}</dd>
        <dt>Overwrites</dt>
        <dd data-testid="restore-overwrites">{plan.overwrites ?? 'nothing (the target holds no data)'}</dd>
        <dt>The dump ({dumpName})</dt>
        <dd>
          a {plan.format} store of {formatCount(plan.chunkCount)} chunks of {formatBytes(plan.chunkBytes)}: {formatCount(plan.exceptions)} exceptions
          {plan.snapshots.length > 0 && <>, snapshots {plan.snapshots.map((s) => s.name || `slot ${s.slot}`).join(', ')}</>}
        </dd>
        {plan.backup && (
          <>
            <dt>Undo</dt>
            <dd>
              what is overwritten is saved to <span className="mono">{plan.backup}</span> first
            </dd>
          </>
        )}
      </dl>
      {plan.needsForce && (
        <label className="row" style={{ gap: 6 }}>
          <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
          Overwrite what the target holds (it cannot be undone)
        </label>
      )}
    </ConfirmDialog>
  );
}
