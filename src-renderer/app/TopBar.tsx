import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { formatBytes } from '../viz/format.ts';
import { useApp } from './store-context.tsx';

/** The open store at a glance, with the one switch that matters: read-only or writable. */
export function TopBar() {
  const { session, info } = useApp(useShallow((s) => ({ session: s.session, info: s.info })));
  const reopen = useApp((s) => s.reopen);
  const closeStore = useApp((s) => s.closeStore);
  const [confirmWrite, setConfirmWrite] = useState(false);
  if (!session || !info) {
    return (
      <header className="topbar">
        <span className="muted">No store open</span>
      </header>
    );
  }
  return (
    <header className="topbar">
      <div style={{ minWidth: 0 }}>
        <div className="mono" style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={session.cow}>
          {session.cow}
        </div>
        <div className="muted" style={{ fontSize: 12 }}>
          {session.origin ? `origin ${session.origin}` : 'no origin attached (views only)'}
        </div>
      </div>
      <span className="badge accent">{info.format}</span>
      <span className="badge">{formatBytes(info.deviceBytes)}</span>
      <span className={`badge ${info.valid ? 'ok' : 'bad'}`}>{info.valid ? 'valid' : 'invalid'}</span>
      <span className={`badge ${session.write ? 'warn' : ''}`} title={session.readOnlyReason} data-testid="access-mode">
        {session.write ? 'read-write' : session.readOnlyReason ? 'read-only: in use elsewhere' : 'read-only'}
      </span>
      <span className="spacer" />
      {session.write ? (
        <button type="button" className="btn btn-sm" onClick={() => void reopen(false)}>
          Reopen read-only
        </button>
      ) : (
        <button type="button" className="btn btn-sm" onClick={() => setConfirmWrite(true)}>
          Open for writing…
        </button>
      )}
      <button type="button" className="btn btn-sm" onClick={() => void closeStore()}>
        Close
      </button>
      {confirmWrite && (
        <ConfirmDialog
          title="Open this store for writing?"
          confirmLabel="Open for writing"
          onClose={() => setConfirmWrite(false)}
          onConfirm={async () => ((await reopen(true)) ? null : { code: 'io', message: 'The store could not be reopened for writing.', where: {}, hint: 'See the Start view for the reason.' })}
        >
          <p style={{ margin: 0 }}>
            Writes change <span className="mono">{session.cow}</span> on disk: snapshot create, rename, delete and merge. Writes are refused while the device is in use by the
            kernel.
          </p>
        </ConfirmDialog>
      )}
    </header>
  );
}
