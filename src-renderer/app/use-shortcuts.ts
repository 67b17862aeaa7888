import { useEffect } from 'react';
import type { AppStore } from '../store/index.ts';
import { NAV, navEnabled } from './nav.ts';

/**
 * Puts the keyboard on the shown view's heading once it is drawn (a few frames at most), so Tab
 * goes on into the view the shortcut opened, not from where the keyboard was before.
 */
function focusViewHeading(previous: Element | null, frames = 10): void {
  setTimeout(() => {
    const heading = document.querySelector<HTMLElement>('#main h1');
    // Until the new view replaces the old one, its heading is the old one's.
    if (!heading || (heading === previous && frames > 0)) {
      if (frames > 0) focusViewHeading(previous, frames - 1);
      return;
    }
    if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }, 16);
}

/** Global keys: Alt+1..9 switch views, Ctrl+O goes to Start (open). View-specific keys live in views. */
export function useShortcuts(store: AppStore): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const s = store.getState();
      if (e.altKey && !e.ctrlKey && !e.metaKey) {
        const entry = NAV.find((n) => n.key === e.key || `Digit${n.key}` === e.code);
        if (entry && navEnabled(entry, s.info?.format ?? null)) {
          e.preventDefault();
          const previous = s.route === entry.route ? null : document.querySelector('#main h1');
          s.navigate(entry.route);
          focusViewHeading(previous);
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
