/**
 * Where the page stands with its server (serve mode): connected; reconnecting after a drop;
 * gone (no answer for a while — it keeps trying); unauthorized (a server answers, but with another
 * access token: only the URL it printed helps). Electron's bridge is always connected.
 */
export type ConnectionState = 'connected' | 'reconnecting' | 'gone' | 'unauthorized';

export interface Connection {
  readonly state: ConnectionState;
  /** Called on every change; `reconnected` when a socket opened again after a drop. */
  subscribe(listener: (state: ConnectionState, reconnected: boolean) => void): () => void;
}

/** A connection that never changes (Electron, tests in process). */
export const ALWAYS_CONNECTED: Connection = { state: 'connected', subscribe: () => () => undefined };
