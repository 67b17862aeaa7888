/**
 * The scroll range of a virtual list. Browsers cap an element's height (Chromium at 2^25 px,
 * Firefox lower), so a list taller than SCROLL_CAP gets a spacer of SCROLL_CAP px and every pixel
 * of scrollbar stands for `ratio` pixels of rows: the scrollbar still reaches the last row.
 */
export const SCROLL_CAP = 4_000_000;

export interface ScrollGeometry {
  /** Height of the spacer that gives the element its scroll range. */
  spacer: number;
  /** The largest virtual offset (px of rows above the view when it shows the last row). */
  maxTop: number;
  /** Virtual px per scrollTop px (1 when not scaled). */
  ratio: number;
}

/** `viewport`: the px of rows the element shows at once. */
export function scrollGeometry(rows: number, rowHeight: number, viewport: number, cap = SCROLL_CAP): ScrollGeometry {
  const full = rows * rowHeight;
  const maxTop = Math.max(0, full - viewport);
  if (full <= cap) return { spacer: full, maxTop, ratio: 1 };
  return { spacer: cap, maxTop, ratio: maxTop / Math.max(1, cap - viewport) };
}
