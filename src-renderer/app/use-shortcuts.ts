import { useEffect } from 'react';
import type { AppStore } from '../store/index.ts';
import { NAV, navEnabled } from './nav.ts';

/** Global keys: Alt+1..9 switch views, Ctrl+O goes to Start (open). View-specific keys live in views. */
export function useShortcuts(store: AppStore): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const s = store.getState();
      if (e.altKey && !e.ctrlKey && !e.metaKey) {
        const entry = NAV.find((n) => n.key === e.key || `Digit${n.key}` === e.code);
        if (entry && navEnabled(entry, s.info?.format ?? null)) {
          e.preventDefault();
          s.navigate(entry.route);
        }
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        s.navigate('start');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}
