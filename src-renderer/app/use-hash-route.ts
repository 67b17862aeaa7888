import { useEffect } from 'react';
import type { AppStore } from '../store/index.ts';
import { isRoute } from '../store/route-slice.ts';

/** Keeps `#/<route>` in the URL in step with the store, so back/forward and reload work. */
export function useHashRoute(store: AppStore): void {
  useEffect(() => {
    const fromHash = (): void => {
      const name = window.location.hash.replace(/^#\/?/, '');
      if (isRoute(name) && name !== store.getState().route) store.getState().navigate(name);
    };
    fromHash();
    window.addEventListener('hashchange', fromHash);
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.route !== prev.route && window.location.hash !== `#/${s.route}`) window.history.pushState(null, '', `#/${s.route}`);
    });
    return () => {
      window.removeEventListener('hashchange', fromHash);
      unsubscribe();
    };
  }, [store]);
}
