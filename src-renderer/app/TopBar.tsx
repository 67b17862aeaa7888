import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { formatBytes } from '../viz/format.ts';
import { ConnectionBadge } from './ConnectionBadge.tsx';
import { useApp } from './store-context.tsx';
import { ThemeToggle } from './ThemeToggle.tsx';

/** The open store at a glance, with the one switch that matters (read-only or writable), and whether what is shown is current. */
export function TopBar() {
  const { session, info, diskChanged, generation } = useApp(useShallow((s) => ({ session: s.session, info: s.info, diskChanged: s.diskChanged, generation: s.generation })));
  const { reopen, closeStore, reloadFromDisk } = useApp(useShallow((s) => ({ reopen: s.reopen, closeStore: s.closeStore, reloadFromDisk: s.reloadFromDisk })));
  const [confirmWrite, setConfirmWrite] = useState(false);
  return (
    <>
      <header className="topbar">
        {session && info ? (
          <>
            <div className="topbar-paths" data-testid="topbar-paths">
              <div className="mono" title={session.cow}>
                <PathTail path={session.cow} />
              </div>
              <div className="muted" style={{ fontSize: 12 }} title={session.origin ?? undefined}>
                {session.origin ? (
                  <>
                    origin <PathTail path={session.origin} />
                  </>
                ) : (
                  'no origin attached (views only)'
                )}
              </div>
            </div>
            <span className="topbar-badges">
              <span className="badge accent">{info.format}</span>
              <span className="badge">{formatBytes(info.deviceBytes)}</span>
              <span className={`badge ${info.valid ? 'ok' : 'bad'}`}>{info.valid ? 'valid' : 'invalid'}</span>
              <span className={`badge ${session.write ? 'warn' : ''}`} title={session.readOnlyReason} data-testid="access-mode">
                {session.write ? 'read-write' : info.damage ? 'read-only: damaged' : session.readOnlyReason ? 'read-only: in use elsewhere' : 'read-only'}
              </span>
              <span className="badge" title="Bumped by every commit and every re-read from disk" data-testid="generation" data-value={generation}>
                gen {generation}
              </span>
            </span>
          </>
        ) : (
          <span className="muted">No store open</span>
        )}
        <div className="topbar-actions">
          <ConnectionBadge />
          <ThemeToggle />
          {session && info && (
            <>
              <button type="button" className="btn btn-sm" onClick={() => void reloadFromDisk()} title="Read the store again from disk">
                Reload from disk
              </button>
              {session.live ? null : session.write ? (
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
            </>
          )}
        </div>
        {confirmWrite && session && (
          <ConfirmDialog
            title="Open this store for writing?"
            confirmLabel="Open for writing"
            onClose={() => setConfirmWrite(false)}
            onConfirm={async () => ((await reopen(true)) ? null : { code: 'io', message: 'The store could not be reopened for writing.', where: {}, hint: 'See the Start view for the reason.' })}
          >
            <p style={{ margin: 0 }}>
              Writes change <span className="mono">{session.cow}</span> on disk: snapshot create, rename, delete, data writes and merge. Writes are refused while the device is in
              use by the kernel.
            </p>
          </ConfirmDialog>
        )}
      </header>
      {diskChanged && session && (
        <div className="alert warn banner" role="status" data-testid="disk-changed">
          <div style={{ flex: 1 }}>
            <strong>{session.cow} changed on disk — reload</strong>
            <p>Another program wrote it after it was read here. What you see is the store as it was; writes are refused until it is read again.</p>
          </div>
          <button type="button" className="btn btn-primary" onClick={() => void reloadFromDisk()}>
            Reload
          </button>
        </div>
      )}
      <SyncError />
    </>
  );
}

/** A path cut at its start when it does not fit, so the file's name stays in sight (the full path is the line's title). */
function PathTail({ path }: { path: string }) {
  return (
    <span className="path-tail">
      <span>{path}</span>
    </span>
  );
}

function SyncError() {
  const error = useApp((s) => s.syncError);
  const [shown, setShown] = useState(error);
  useEffect(() => setShown(error), [error]);
  if (!shown) return null;
  return (
    <div className="alert error banner" role="alert" data-testid="sync-error">
      <div style={{ flex: 1 }}>
        <strong>The store could not be read again</strong>
        <p>{shown.message}</p>
        <p className="muted">{shown.hint}</p>
      </div>
      <button type="button" className="btn btn-sm" onClick={() => setShown(null)}>
        Dismiss
      </button>
    </div>
  );
}
