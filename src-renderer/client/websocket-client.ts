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

/**
 * Serve mode over one WebSocket: calls and events share it. It reconnects after a drop (the
 * server restarted, the laptop slept); calls made while it is down wait for the socket, and calls
 * in flight when it drops fail with a readable 'io' error instead of hanging.
 */
export function createWebSocketClient(baseUrl: URL, token: string): EngineClient {
  const listeners = new Set<(event: ApiEvent) => void>();
  const pending = new Map<number, (response: Envelope<unknown>) => void>();
  let nextId = 1;
  let socket: WebSocket;
  let ready: Promise<void>;

  const url = new URL(CHANNELS.ws, baseUrl);
  url.protocol = baseUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set(CHANNELS.tokenParam, token);

  const connect = (): void => {
    socket = new WebSocket(url);
    ready = new Promise((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error('cannot reach the snapscope server')), { once: true });
    });
    ready.catch(() => undefined);
    socket.addEventListener('message', (message) => {
      const data = JSON.parse(String(message.data)) as WireServerMessage;
      if (data.type === 'event') for (const l of listeners) l(data.event);
      else {
        pending.get(data.id)?.(data.response);
        pending.delete(data.id);
      }
    });
    socket.addEventListener('close', () => {
      for (const resolve of pending.values()) resolve(lost());
      pending.clear();
      setTimeout(connect, 1000);
    });
  };
  connect();

  const transport: Transport = {
    async call(method: Method, args: unknown) {
      try {
        await ready;
      } catch {
        return lost();
      }
      const id = nextId++;
      const message: WireClientMessage = { type: 'call', id, method, args };
      return new Promise<Envelope<unknown>>((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify(message));
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return createClient(transport);
}

function lost(): Envelope<unknown> {
  return {
    ok: false,
    error: { code: 'io', message: 'The connection to the snapscope server was lost; it will reconnect — try again in a moment.', where: {} },
  };
}
