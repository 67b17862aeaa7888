import type { Page } from 'playwright-core';

/** The figures of `.stat` boxes on the page whose main line (before the small print) wraps. */
export function wrappedFigures(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('.stat dd')].flatMap((dd) => {
      const range = document.createRange();
      range.setStart(dd, 0);
      const small = dd.querySelector(':scope > small');
      if (small) range.setEndBefore(small);
      else range.setEnd(dd, dd.childNodes.length);
      // Mixed type sizes share a line at different tops: a wrap is a box wholly below the first line.
      const boxes = [...range.getClientRects()].filter((r) => r.width > 0);
      const firstLine = Math.min(...boxes.map((r) => r.bottom));
      return boxes.some((r) => r.top >= firstLine - 1) ? [range.toString()] : [];
    }),
  );
}
