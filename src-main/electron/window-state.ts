import { app, screen, type BrowserWindow, type Rectangle } from 'electron';
import fs from 'node:fs';
import path from 'node:path';

interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
}

const file = (): string => path.join(app.getPath('userData'), 'window-state.json');

/** The last window bounds, if they still fit on a display. */
export function loadWindowState(): WindowState | null {
  try {
    const s = JSON.parse(fs.readFileSync(file(), 'utf8')) as WindowState;
    const visible = screen.getAllDisplays().some((d) => {
      const a = d.workArea;
      return s.bounds.x < a.x + a.width && s.bounds.x + s.bounds.width > a.x && s.bounds.y < a.y + a.height && s.bounds.y + s.bounds.height > a.y;
    });
    return visible ? s : null;
  } catch {
    return null;
  }
}

export function rememberWindowState(win: BrowserWindow): void {
  const save = (): void => {
    try {
      fs.writeFileSync(file(), JSON.stringify({ bounds: win.getNormalBounds(), maximized: win.isMaximized() }));
    } catch {
      /* no state is fine */
    }
  };
  win.on('close', save);
}
