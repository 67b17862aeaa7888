/**
 * The bridge, and nothing else: one frozen object built from the contract's method list
 * (`buildBridge`). Each call is validated here before it crosses to main (and again in main, which
 * trusts no one). Bundled as one small CommonJS file whose only imports are `electron` and the
 * contract (sandboxed preloads cannot load modules).
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { buildBridge } from '../../src-core/api/bridge.ts';
import { BRIDGE_GLOBAL, CHANNELS, type ApiEvent } from '../../src-core/api/contract.ts';

const bridge = buildBridge({
  invoke: (method, args) => ipcRenderer.invoke(CHANNELS.invoke, method, args),
  onEvent(listener: (event: ApiEvent) => void): () => void {
    const handler = (_: IpcRendererEvent, event: ApiEvent): void => listener(event);
    ipcRenderer.on(CHANNELS.event, handler);
    return () => ipcRenderer.removeListener(CHANNELS.event, handler);
  },
  pathForFile: (file: unknown): string => (file instanceof File ? webUtils.getPathForFile(file) : ''),
});

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
