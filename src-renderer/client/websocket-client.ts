import {
  CHANNELS,
  createClient,
  type ApiEvent,
  type EngineClient,
  type Envelope,
  type Method,
  type Transport,
  type WireClientMessage,
  type WireServerMessage,
} from '../../src-core/api/contract.ts';
import type { Connection, ConnectionState } from './connection.ts';

/** After this long without a socket the server is called gone (the page keeps trying). */
const GONE_AFTER_MS = 8000;
const RETRY_MS = [250, 500, 1000, 2000, 3000];
/** A handshake still pending after this long is given up and tried again (a server half-way through its start may never answer it). */
const HANDSHAKE_MS = 4000;

/**
 * Serve mode over one WebSocket: calls and events share it. It reconnects after a drop (the
 * server restarted, the laptop slept), saying so through `connection`; a browser does not tell
 * why a socket was refused, so a failed attempt asks the HTTP endpoint, whose 401 means the server
 * runs with another token. Calls made while it is down wait for the socket (up to a few seconds),
 * and calls in flight when it drops fail with a readable 'io' error instead of hanging.
 */
export function createWebSocketClient(baseUrl: URL, token: string): { client: EngineClient; connection: Connection } {
  const listeners = new Set<(event: ApiEvent) => void>();
  const pending = new Map<number, (response: Envelope<unknown>) => void>();
  const watchers = new Set<(state: ConnectionState, reconnected: boolean) => void>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'reconnecting';
  let everOpened = false;
  let lostAt = Date.now();
  let attempt = 0;
  let waiters: (() => void)[] = [];

  const url = new URL(CHANNELS.ws, baseUrl);
  url.protocol = baseUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  if (token) url.searchParams.set(CHANNELS.tokenParam, token); // else the server's cookie authenticates

  const setState = (next: ConnectionState, reconnected = false): void => {
    if (next === state && !reconnected) return;
    state = next;
    for (const w of watchers) w(state, reconnected);
  };

  const connect = (): void => {
    const ws = new WebSocket(url);
    socket = ws;
    let opened = false;
    const giveUp = setTimeout(() => opened || ws.close(), HANDSHAKE_MS);
    ws.addEventListener('open', () => {
      opened = true;
      clearTimeout(giveUp);
      attempt = 0;
      const again = everOpened;
      everOpened = true;
      setState('connected', again);
      for (const wake of waiters) wake();
      waiters = [];
    });
    ws.addEventListener('message', (message) => {
      const data = JSON.parse(String(message.data)) as WireServerMessage;
      if (data.type === 'event') for (const l of listeners) l(data.event);
      else {
        pending.get(data.id)?.(data.response);
        pending.delete(data.id);
      }
    });
    ws.addEventListener('close', () => {
      clearTimeout(giveUp);
      socket = null;
      for (const resolve of pending.values()) resolve(lost());
      pending.clear();
      if (opened) lostAt = Date.now();
      void diagnose().then((next) => {
        setState(next);
        setTimeout(connect, RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]);
      });
    });
  };

  /** Why the socket is down: the server refuses our token, or there is no server (for long: gone). */
  const diagnose = async (): Promise<ConnectionState> => {
    try {
      const probe = new URL(`${CHANNELS.httpCall}hello`, baseUrl);
      if (token) probe.searchParams.set(CHANNELS.tokenParam, token);
      const response = await fetch(probe, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      if (response.status === 401) return 'unauthorized';
    } catch {
      /* no server: a network error */
    }
    return Date.now() - lostAt > GONE_AFTER_MS ? 'gone' : 'reconnecting';
  };

  connect();

  /** Resolves once a socket is open, or false after `ms`. */
  const ready = (ms: number): Promise<boolean> =>
    socket?.readyState === WebSocket.OPEN
      ? Promise.resolve(true)
      : new Promise((resolve) => {
          const timer = setTimeout(() => resolve(false), ms);
          waiters.push(() => {
            clearTimeout(timer);
            resolve(true);
          });
        });

  const transport: Transport = {
    async call(method: Method, args: unknown) {
      if (!(await ready(everOpened ? 3000 : 15000)) || !socket) return lost();
      const id = nextId++;
      const message: WireClientMessage = { type: 'call', id, method, args };
      const open = socket;
      return new Promise<Envelope<unknown>>((resolve) => {
        pending.set(id, resolve);
        open.send(JSON.stringify(message));
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const connection: Connection = {
    get state() {
      return state;
    },
    subscribe(watcher) {
      watchers.add(watcher);
      return () => watchers.delete(watcher);
    },
  };
  return { client: createClient(transport), connection };
}

function lost(): Envelope<unknown> {
  return {
    ok: false,
    error: { code: 'io', message: 'The connection to the snapscope server is down; the page reconnects by itself (see the connection state at the top).', where: { field: 'connection' } },
  };
}
