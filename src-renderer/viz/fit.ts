/** The scale and offset that fit a box into a viewport with a margin, capped at `maxScale`. */
export function fitBox(
  box: { x0: number; x1: number; y0: number; y1: number },
  width: number,
  height: number,
  margin = 40,
  maxScale = 1,
): { x: number; y: number; k: number } {
  const bw = Math.max(box.x1 - box.x0, 1);
  const bh = Math.max(box.y1 - box.y0, 1);
  const k = Math.min(maxScale, (width - 2 * margin) / bw, (height - 2 * margin) / bh);
  return { k, x: width / 2 - ((box.x0 + box.x1) / 2) * k, y: margin - box.y0 * k };
}
