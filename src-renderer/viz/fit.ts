/**
 * The camera that fits a box into a viewport with a margin (`top` above it: room for buttons over
 * the viewport), between `minScale` and `maxScale`.
 * When the box is too wide to fit at `minScale` (a node with dozens of leaves), it centres on
 * `focusX` instead, so text stays readable and the user pans to the rest.
 */
export function fitBox(
  box: { x0: number; x1: number; y0: number; y1: number },
  width: number,
  height: number,
  { margin = 40, top = margin, minScale = 0.6, maxScale = 1, focusX }: { margin?: number; top?: number; minScale?: number; maxScale?: number; focusX?: number } = {},
): { x: number; y: number; k: number } {
  const bw = Math.max(box.x1 - box.x0, 1);
  const bh = Math.max(box.y1 - box.y0, 1);
  const fit = Math.min(maxScale, (width - 2 * margin) / bw, (height - top - margin) / bh);
  const k = Math.max(minScale, fit);
  const cx = fit < minScale && focusX !== undefined ? focusX : (box.x0 + box.x1) / 2;
  return { k, x: width / 2 - cx * k, y: top - box.y0 * k };
}
