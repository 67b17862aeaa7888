/**
 * The Electron app: one window (sandboxed, context-isolated, no Node), native menus, the IPC
 * adapter over the engine in its worker thread, single instance, drag-and-drop of an image.
 */
import { app, BrowserWindow, dialog, Menu } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiEvent, RecentStore, SessionDto, UiCommand } from '../../src-core/api/contract.ts';
import { CHANNELS } from '../../src-core/api/contract.ts';
import { hostConfig } from '../host/config.ts';
import { EngineHost } from '../host/engine-host.ts';
import { serveIpc } from './ipc.ts';
import { buildMenu } from './menu.ts';
import { loadWindowState, rememberWindowState } from './window-state.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
let win: BrowserWindow | null = null;
let engine: EngineHost | null = null;

if (!app.requestSingleInstanceLock()) app.quit();
else {
  app.on('second-instance', () => {
    if (win?.isMinimized()) win.restore();
    win?.focus();
  });
  app.whenReady().then(start, (e: unknown) => dialog.showErrorBox('snapscope', String(e)));
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => void engine?.dispose());
}

async function start(): Promise<void> {
  const config = hostConfig('electron', app.getVersion(), app.getPath('userData'));
  // The start view shows it too (hello.helper.note); the log is where a packager looks.
  if (config.helper.note) console.warn(`snapscope: privileged helper: ${config.helper.note}`);
  engine = new EngineHost(config);
  serveIpc(engine, (e) => win !== null && e.sender === win.webContents && e.senderFrame === win.webContents.mainFrame);
  engine.subscribe((e: ApiEvent) => e.type === 'session-opened' && void refreshMenu());
  await refreshMenu();
  createWindow();
}

function createWindow(): void {
  const state = loadWindowState();
  win = new BrowserWindow({
    width: 1280,
    height: 820,
    ...(state?.bounds ?? {}),
    minWidth: 720,
    minHeight: 480,
    title: 'snapscope',
    show: false,
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  if (state?.maximized) win.maximize();
  rememberWindowState(win);
  win.once('ready-to-show', () => win?.show());
  win.on('closed', () => (win = null));
  // Never open other windows or navigate away; a dropped file navigates to file://: open it instead.
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (e, url) => {
    e.preventDefault();
    if (url.startsWith('file://')) void openStore(decodeURIComponent(new URL(url).pathname));
  });
  const devUrl = process.env['ELECTRON_RENDERER_URL'];
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(path.join(here, '../renderer/index.html'));
}

function send(command: UiCommand, session?: string): void {
  const event: ApiEvent = { type: 'ui', command, ...(session ? { session } : {}) };
  win?.webContents.send(CHANNELS.event, event);
}

async function openStore(cow: string, origin?: string): Promise<void> {
  if (!engine) return;
  const r = await engine.call('open', { cow, ...(origin ? { origin } : {}) });
  if (r.ok) send('open-store', (r.result as SessionDto).session);
  else dialog.showErrorBox('Cannot open store', r.error.message);
}

async function pick(kind: 'image' | 'device'): Promise<void> {
  const options: Electron.OpenDialogOptions =
    kind === 'device' ? { title: 'Open device', defaultPath: '/dev', properties: ['openFile', 'showHiddenFiles'] } : { title: 'Open image', properties: ['openFile'] };
  const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  if (!r.canceled && r.filePaths[0]) await openStore(r.filePaths[0]);
}

async function refreshMenu(): Promise<void> {
  const r = engine ? await engine.call('recentStores', {}) : null;
  const recent = r?.ok ? (r.result as { stores: RecentStore[] }).stores : [];
  Menu.setApplicationMenu(
    buildMenu(recent, {
      openImage: () => void pick('image'),
      openDevice: () => void pick('device'),
      openRecent: (s) => void openStore(s.cow, s.origin ?? undefined),
      send: (c) => send(c),
    }),
  );
}
