import { useEffect } from 'react';

/**
 * When the focused control leaves the page (a deleted snapshot's row, a finished job's button),
 * the browser drops the keyboard on the body and Tab starts over at the sidebar. This puts it on
 * the heading of the nearest card (or view) still there, the place the control was in.
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
      chain = [];
      for (let at = e.target.parentElement; at && at !== main; at = at.parentElement) chain.push(at);
    };
    const watch = new MutationObserver(() => {
      if (!last || last.isConnected || (document.activeElement !== null && document.activeElement !== document.body)) return;
      const still = chain.find((el) => el.isConnected && (el.tagName === 'SECTION' || el.classList.contains('page')));
      const heading = (still ?? main).querySelector<HTMLElement>('h1, h2');
      last = null;
      if (!heading) return;
      if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    });
    main.addEventListener('focusin', onFocus);
    watch.observe(main, { childList: true, subtree: true });
    return () => {
      main.removeEventListener('focusin', onFocus);
      watch.disconnect();
    };
  }, []);
}
