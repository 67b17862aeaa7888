import { useEffect } from 'react';
import type { AppStore } from '../store/index.ts';
import { NAV, navEnabled } from './nav.ts';

/**
 * Puts the keyboard on the shown view's heading once it is drawn (a few frames at most), so Tab
 * goes on into the view the shortcut opened, not from where the keyboard was before. With `onlyIfLost`,
 * only when the keyboard was nowhere by then (its control went with the old view). Returns a
 * function that stops the search: an app that unmounts must not leave it polling a gone page.
 */
function focusViewHeading(previous: Element | null, onlyIfLost = false): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const look = (frames: number): void => {
    timer = setTimeout(() => {
      const heading = document.querySelector<HTMLElement>('#main h1');
      // Until the new view replaces the old one, its heading is the old one's.
      if (!heading || (heading === previous && frames > 0)) {
        if (frames > 0) look(frames - 1);
        return;
      }
      if (onlyIfLost && document.activeElement !== null && document.activeElement !== document.body) return;
      if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }, 16);
  };
  look(10);
  return () => clearTimeout(timer);
}

/** Global keys: Alt+1..9 switch views, Ctrl+O goes to Start (open); the keyboard follows a view change. View-specific keys live in views. */
export function useShortcuts(store: AppStore): void {
  useEffect(() => {
    let stopSearch = (): void => {};
    const follow = (previous: Element | null, onlyIfLost?: boolean): void => {
      stopSearch();
      stopSearch = focusViewHeading(previous, onlyIfLost);
    };
    const onKey = (e: KeyboardEvent): void => {
      const s = store.getState();
      if (e.altKey && !e.ctrlKey && !e.metaKey) {
        const entry = NAV.find((n) => n.key === e.key || `Digit${n.key}` === e.code);
        if (entry && navEnabled(entry, s.info?.format ?? null)) {
          e.preventDefault();
          const previous = s.route === entry.route ? null : document.querySelector('#main h1');
          s.navigate(entry.route);
          follow(previous);
        }
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        s.navigate('start');
      }
    };
    window.addEventListener('keydown', onKey);
    // A control inside a view that opens another (a leaf of the B-tree, a finding's link) leaves
    // with its view, and the keyboard fell to the page's start: it goes to the new view's heading.
    const off = store.subscribe((s, prev) => {
      if (s.route !== prev.route) follow(document.querySelector('#main h1'), true);
    });
    return () => {
      window.removeEventListener('keydown', onKey);
      off();
      stopSearch();
    };
  }, [store]);
}
