import { BRIDGE_GLOBAL, createClient, type ApiEvent, type EngineClient, type Envelope, type Method } from '../../src-core/api/contract.ts';

/** What the preload exposes on `window[BRIDGE_GLOBAL]`: one invoke and one event subscription. */
export interface Bridge {
  call(method: Method, args: unknown): Promise<Envelope<unknown>>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
}

export function bridgeFromWindow(): Bridge | null {
  const bridge = (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL];
  return bridge && typeof bridge === 'object' ? (bridge as Bridge) : null;
}

/** The Electron client: the preload's bridge is already a Transport (envelopes in, events out). */
export function createElectronClient(bridge: Bridge): EngineClient {
  return createClient({ call: (method, args) => bridge.call(method, args), subscribe: (listener) => bridge.subscribe(listener) });
}
