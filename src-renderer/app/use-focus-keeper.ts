import { useEffect } from 'react';

/**
 * When the focused control leaves the page (a deleted snapshot's row, a finished job's button),
 * the browser drops the keyboard on the body and Tab starts over at the sidebar. This puts it on
 * the heading of the nearest card (or view) still there, the place the control was in. A control
 * disabled while it works ("Run check") drops the keyboard too: it gets it back when enabled.
 */
export function useFocusKeeper(): void {
  useEffect(() => {
    const main = document.getElementById('main');
    if (!main) return;
    let last: Element | null = null;
    // The focused control's ancestors, kept while it is on the page: once removed, its own chain is cut.
    let chain: Element[] = [];
    const onFocus = (e: FocusEvent): void => {
      if (!(e.target instanceof Element)) return;
      last = e.target;
      waiting = null;
      chain = [];
      for (let at = e.target.parentElement; at && at !== main; at = at.parentElement) chain.push(at);
    };
    // The focused control disabled under the keyboard, waiting to be enabled again.
    let waiting: HTMLElement | null = null;
    const lost = (): boolean => document.activeElement === null || document.activeElement === document.body;
    const watch = new MutationObserver((records) => {
      for (const r of records) {
        if (r.type !== 'attributes' || !(r.target instanceof HTMLElement)) continue;
        // The browser lets go of a disabled control at its next rendering, after this runs.
        if (r.target === last && r.target.matches(':disabled')) waiting = r.target;
        else if (r.target === waiting && !waiting.matches(':disabled')) {
          if (lost()) waiting.focus({ preventScroll: true });
          waiting = null;
        }
      }
      if (!last || last.isConnected || !lost()) return;
      const still = chain.find((el) => el.isConnected && (el.tagName === 'SECTION' || el.classList.contains('page')));
      const heading = (still ?? main).querySelector<HTMLElement>('h1, h2');
      last = null;
      if (!heading) return;
      if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    });
    main.addEventListener('focusin', onFocus);
    watch.observe(main, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
    return () => {
      main.removeEventListener('focusin', onFocus);
      watch.disconnect();
    };
  }, []);
}
