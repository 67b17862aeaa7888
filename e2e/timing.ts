import type { Page } from 'playwright-core';

/**
 * Clicks the `index`-th element matching `click` inside the page and resolves with the
 * milliseconds until `until` matches and the next frame has been painted — measured in the page,
 * so Playwright's polling adds nothing.
 */
export function timeInPage(page: Page, click: string, until: string, index = 0): Promise<number> {
  return page.evaluate(
    ([click, until, index]) =>
      new Promise<number>((resolve, reject) => {
        const target = document.querySelectorAll<HTMLElement | SVGElement>(click)[index];
        if (!target) return reject(new Error(`nothing matches ${click}`));
        const t0 = performance.now();
        const done = (): boolean => {
          if (!document.querySelector(until)) return false;
          requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0)));
          return true;
        };
        const observer = new MutationObserver(() => done() && observer.disconnect());
        observer.observe(document.body, { subtree: true, childList: true, attributes: true });
        if (target instanceof HTMLElement) target.click();
        else target.dispatchEvent(new MouseEvent('click', { bubbles: true })); // SVG boxes of the tree
        if (done()) observer.disconnect();
      }),
    [click, until, index] as const,
  );
}
