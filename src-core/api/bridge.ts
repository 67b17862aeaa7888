/**
 * The Electron bridge object, built once for the preload and for tests that stand in for it: one
 * frozen object from the contract's method list, each call validated before it crosses to main
 * (main validates again: it trusts no one) and then handed to `invoke`, answering an Envelope;
 * `onEvent` and `pathForFile` beside. Imports only the contract, so the sandboxed preload can
 * bundle it.
 */
import { METHODS, type ApiEvent, type ElectronBridge, type Method } from './contract.ts';
import { toErrorShape, type Envelope } from './errors.ts';
import { validateArgs } from './validate.ts';

export function buildBridge(parts: {
  invoke: (method: Method, args: unknown) => Promise<Envelope<unknown>>;
  onEvent: (listener: (event: ApiEvent) => void) => () => void;
  pathForFile: (file: unknown) => string;
}): ElectronBridge {
  const bridge: Record<string, unknown> = { onEvent: parts.onEvent, pathForFile: parts.pathForFile };
  for (const method of METHODS) {
    bridge[method] = async (args: unknown) => {
      try {
        validateArgs(method, args);
      } catch (e) {
        return { ok: false, error: toErrorShape(e) };
      }
      return parts.invoke(method, args);
    };
  }
  return Object.freeze(bridge) as ElectronBridge;
}
