import { Menu, shell, type MenuItemConstructorOptions } from 'electron';
import type { RecentStore, UiCommand } from '../../src-core/api/dto.ts';

export interface MenuActions {
  openImage(): void;
  openDevice(): void;
  openRecent(store: RecentStore): void;
  send(command: UiCommand): void;
}

/** Native menus: File (Open image…, Open device…, Recent, Close), View, Help. */
export function buildMenu(recent: RecentStore[], a: MenuActions): Menu {
  const view = (label: string, command: UiCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    click: () => a.send(command),
    ...(accelerator ? { accelerator } : {}),
  });
  const template: MenuItemConstructorOptions[] = [
    {
      label: '&File',
      submenu: [
        { label: 'Open Image…', accelerator: 'CmdOrCtrl+O', click: a.openImage },
        { label: 'Open Device…', accelerator: 'CmdOrCtrl+Shift+O', click: a.openDevice },
        {
          label: 'Open Recent',
          submenu: recent.length ? recent.map((r) => ({ label: r.cow, click: () => a.openRecent(r) })) : [{ label: 'No recent stores', enabled: false }],
        },
        { type: 'separator' },
        view('Close Store', 'close-store', 'CmdOrCtrl+W'),
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    {
      label: '&View',
      submenu: [
        view('Overview', 'view-overview', 'CmdOrCtrl+1'),
        view('B-tree', 'view-btree', 'CmdOrCtrl+2'),
        view('Bitmap', 'view-bitmap', 'CmdOrCtrl+3'),
        view('Exception Table', 'view-persistent', 'CmdOrCtrl+4'),
        view('Merge', 'view-merge', 'CmdOrCtrl+5'),
        view('Activity', 'view-activity', 'CmdOrCtrl+6'),
        view('Teach', 'view-teach', 'CmdOrCtrl+7'),
        { type: 'separator' },
        view('Search Chunk…', 'search', 'CmdOrCtrl+F'),
        view('Zoom In', 'zoom-in', 'CmdOrCtrl+='),
        view('Zoom Out', 'zoom-out', 'CmdOrCtrl+-'),
        view('Reset Zoom', 'zoom-reset', 'CmdOrCtrl+0'),
        { type: 'separator' },
        { role: 'togglefullscreen' },
        { role: 'toggleDevTools' },
      ],
    },
    {
      label: '&Help',
      submenu: [view('About snapscope', 'about'), { label: 'Documentation', click: () => void shell.openExternal('https://github.com/') }],
    },
  ];
  return Menu.buildFromTemplate(template);
}
