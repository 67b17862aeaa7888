import { BrowserWindow, dialog, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { CHANNELS, isMethod, type CallArgs, type Transport } from '../../src-core/api/contract.ts';
import { toErrorShape, type Envelope } from '../../src-core/api/errors.ts';
import { validateArgs } from '../../src-core/api/validate.ts';

/**
 * The IPC adapter: contract channel → engine. Only our own window's frames may call (a navigated
 * or foreign frame is refused). `pickPath` is answered here, the one call that needs a window;
 * `hello` learns that dialogs exist. Events go to every window.
 */
export function serveIpc(engine: Transport, isOurs: (e: IpcMainInvokeEvent) => boolean): () => void {
  ipcMain.handle(CHANNELS.invoke, async (e, method: unknown, args: unknown): Promise<Envelope<unknown>> => {
    if (!isOurs(e)) return { ok: false, error: { code: 'unauthorized', message: 'not a snapscope window', where: {} } };
    if (!isMethod(method)) return { ok: false, error: { code: 'unknown-method', message: `no API call named ${String(method).slice(0, 100)}`, where: {} } };
    try {
      if (method === 'pickPath') return { ok: true, result: await pickPath(e, validateArgs('pickPath', args)) };
      const reply = await engine.call(method, args);
      if (method === 'hello' && reply.ok) return { ok: true, result: { ...(reply.result as object), mode: 'electron', canPickPaths: true } };
      return reply;
    } catch (err) {
      return { ok: false, error: toErrorShape(err) };
    }
  });
  const unsubscribe = engine.subscribe((event) => {
    for (const w of BrowserWindow.getAllWindows()) if (!w.isDestroyed()) w.webContents.send(CHANNELS.event, event);
  });
  return () => {
    ipcMain.removeHandler(CHANNELS.invoke);
    unsubscribe();
  };
}

async function pickPath(e: IpcMainInvokeEvent, { kind }: CallArgs<'pickPath'>): Promise<{ path: string | null }> {
  const win = BrowserWindow.fromWebContents(e.sender);
  const options: Electron.OpenDialogOptions =
    kind === 'directory'
      ? { properties: ['openDirectory'] }
      : kind === 'device'
        ? { title: 'Open device', defaultPath: '/dev', properties: ['openFile', 'showHiddenFiles'] }
        : { title: 'Open image', properties: ['openFile'], filters: [{ name: 'Images', extensions: ['img', 'cow', 'raw', 'bin'] }, { name: 'All files', extensions: ['*'] }] };
  const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return { path: r.canceled ? null : (r.filePaths[0] ?? null) };
}
