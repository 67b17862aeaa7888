import { BRIDGE_GLOBAL, bridgeTransport, createClient, METHODS, type ElectronBridge, type EngineClient } from '../../src-core/api/contract.ts';

/**
 * The preload's bridge on `window[BRIDGE_GLOBAL]`, when it is whole: one function per contract
 * method answering an Envelope, and `onEvent`. A preload from another build (a method missing) is
 * refused here rather than failing on first use.
 */
export function bridgeFromWindow(): ElectronBridge | null {
  const bridge = (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL] as Record<string, unknown> | undefined;
  if (!bridge || typeof bridge !== 'object' || typeof bridge['onEvent'] !== 'function') return null;
  return METHODS.every((m) => typeof bridge[m] === 'function') ? (bridge as unknown as ElectronBridge) : null;
}

/** The Electron client: the contract's transport over the bridge (envelopes in, events out). */
export function createElectronClient(bridge: ElectronBridge): EngineClient {
  return createClient(bridgeTransport(bridge));
}
