import type { UiCommand } from '../../src-core/api/contract.ts';
import { NAV, navEnabled } from '../app/nav.ts';
import type { RouteName } from './route-slice.ts';
import type { SliceCreator } from './types.ts';

export type ZoomKind = 'in' | 'out' | 'reset';
export type Theme = 'system' | 'light' | 'dark';
const THEME_KEY = 'snapscope-theme';

function savedTheme(): Theme {
  try {
    const t = globalThis.localStorage?.getItem(THEME_KEY);
    return t === 'light' || t === 'dark' ? t : 'system';
  } catch {
    return 'system';
  }
}

export interface UiSlice {
  /** The last zoom a menu asked for; the view on screen applies it (useZoomCommand). */
  zoomCommand: { kind: ZoomKind; seq: number } | null;
  /** A menu asked to search: the search field on screen takes the focus and clears this. */
  searchPending: boolean;
  aboutOpen: boolean;
  /** What the live region (app/Announcer) says next, besides what Activity logs as ended; `seq` so the same text is said again. */
  announcement: { text: string; seq: number } | null;
  announce(text: string): void;
  /** The theme toggle: the system's scheme, or forced light or dark (kept in localStorage). */
  theme: Theme;
  setTheme(theme: Theme): void;
  setSearchPending(pending: boolean): void;
  setAboutOpen(open: boolean): void;
  /** A command from the Electron menus ('ui' events). */
  runCommand(command: UiCommand, session?: string): Promise<void>;
}

const VIEW_ROUTES: Partial<Record<UiCommand, RouteName>> = {
  'view-overview': 'overview',
  'view-btree': 'btree',
  'view-bitmap': 'bitmap',
  'view-persistent': 'persistent',
  'view-merge': 'merge',
  'view-activity': 'activity',
  'view-teach': 'teach',
};

const ZOOMS: Partial<Record<UiCommand, ZoomKind>> = { 'zoom-in': 'in', 'zoom-out': 'out', 'zoom-reset': 'reset' };

export const createUiSlice: SliceCreator<UiSlice> = (client) => (set, get) => {
  let seq = 0;
  /** A view that does not fit the open store (the B-tree of a persistent COW) is not shown. */
  const go = (route: RouteName): void => {
    const entry = NAV.find((n) => n.route === route);
    if (!entry || navEnabled(entry, get().info?.format ?? null)) get().navigate(route);
  };
  return {
    zoomCommand: null,
    searchPending: false,
    aboutOpen: false,
    announcement: null,
    announce: (text) => set((s) => ({ announcement: { text, seq: (s.announcement?.seq ?? 0) + 1 } })),
    theme: savedTheme(),
    setTheme(theme) {
      try {
        globalThis.localStorage?.setItem(THEME_KEY, theme);
      } catch {
        /* private mode: the choice lasts this page */
      }
      set({ theme });
    },
    setSearchPending: (pending) => set({ searchPending: pending }),
    setAboutOpen: (open) => set({ aboutOpen: open }),

    async runCommand(command, session) {
      const route = VIEW_ROUTES[command];
      const zoom = ZOOMS[command];
      if (route) go(route);
      else if (zoom) set({ zoomCommand: { kind: zoom, seq: ++seq } });
      else if (command === 'search') {
        const format = get().info?.format;
        if (!format) return;
        go(format === 'shared' ? 'btree' : 'persistent');
        set({ searchPending: true });
      } else if (command === 'about') set({ aboutOpen: true });
      else if (command === 'close-store') await get().closeStore();
      else if (command === 'open-store' && session) {
        // The main process opened it (menu, drop, recent): show it, whatever was shown before.
        const opened = (await client.sessions({})).sessions.find((s) => s.session === session);
        if (!opened) return;
        get().adoptSession(opened);
        get().navigate('overview');
      }
    },
  };
};
