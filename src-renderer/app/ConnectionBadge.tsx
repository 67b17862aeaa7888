import { useApp } from './store-context.tsx';

const LABELS = { connected: 'connected', reconnecting: 'reconnecting…', gone: 'server gone', unauthorized: 'token refused' } as const;

/** The page's link to its server, always on screen; when it is down, what happens and what to do. */
export function ConnectionBadge() {
  const state = useApp((s) => s.connection);
  const mode = useApp((s) => s.hello?.mode);
  if (mode === 'electron' && state === 'connected') return null;
  return (
    <span className={`badge conn ${state === 'connected' ? 'ok' : state === 'reconnecting' ? 'warn' : 'bad'}`} role="status" aria-live="polite" data-testid="connection" data-state={state}>
      <span className="conn-dot" aria-hidden="true" />
      {LABELS[state]}
    </span>
  );
}

/** Below the top bar while the server is not reachable: why, and the command that helps. */
export function ConnectionNotice() {
  const state = useApp((s) => s.connection);
  if (state === 'connected') return null;
  const text =
    state === 'reconnecting'
      ? { title: 'Lost the connection to snapscope serve — reconnecting', body: 'The page reconnects by itself and reopens this store; what you see may be out of date meanwhile.', command: null }
      : state === 'gone'
        ? { title: 'The snapscope server is gone', body: 'Nothing answers at this address. Start it again in a terminal; this page reconnects by itself and reopens its store:', command: 'snapscope serve' }
        : {
            title: 'The server does not accept this page’s access token',
            body: 'A snapscope serve runs here, but with another token (started with --new-token, or its token file was removed). Open the URL it printed, or restart it keeping its token file:',
            command: 'snapscope serve',
          };
  return (
    <div className={`alert ${state === 'reconnecting' ? 'warn' : 'error'} banner`} role="alert" data-testid="connection-notice">
      <div style={{ flex: 1 }}>
        <strong>{text.title}</strong>
        <p>
          {text.body} {text.command && <code className="mono">{text.command}</code>}
        </p>
      </div>
    </div>
  );
}
