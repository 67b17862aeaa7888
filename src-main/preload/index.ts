/**
 * The bridge, and nothing else: one frozen object built from the contract's method list. Each
 * call is validated here before it crosses to main (and again in main, which trusts no one).
 * Bundled as one small CommonJS file whose only import is `electron` (sandboxed preloads cannot
 * load modules).
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { BRIDGE_GLOBAL, CHANNELS, METHODS, type ApiEvent, type ElectronBridge } from '../../src-core/api/contract.ts';
import { toErrorShape } from '../../src-core/api/errors.ts';
import { validateArgs } from '../../src-core/api/validate.ts';

const bridge: Record<string, unknown> = {
  onEvent(listener: (event: ApiEvent) => void): () => void {
    const handler = (_: IpcRendererEvent, event: ApiEvent): void => listener(event);
    ipcRenderer.on(CHANNELS.event, handler);
    return () => ipcRenderer.removeListener(CHANNELS.event, handler);
  },
  pathForFile: (file: unknown): string => (file instanceof File ? webUtils.getPathForFile(file) : ''),
};
for (const method of METHODS) {
  bridge[method] = async (args: unknown) => {
    try {
      validateArgs(method, args);
    } catch (e) {
      return { ok: false, error: toErrorShape(e) };
    }
    return ipcRenderer.invoke(CHANNELS.invoke, method, args);
  };
}

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, Object.freeze(bridge as ElectronBridge));
