/**
 * Left edges for labels in a row under a bar, each centred on its anchor (a part's middle) where
 * it can be: kept inside [0, span] and `gap` apart, in anchor order, pushed right then back left.
 * A thin part's label still lands beside it, so a sliver is named where it is drawn.
 */
export function placeLabels(anchors: readonly number[], widths: readonly number[], span: number, gap = 8): number[] {
  const lefts = anchors.map((a, i) => Math.max(0, Math.min(span - widths[i]!, a - widths[i]! / 2)));
  for (let i = 1; i < lefts.length; i++) lefts[i] = Math.max(lefts[i]!, lefts[i - 1]! + widths[i - 1]! + gap);
  const last = lefts.length - 1;
  if (last >= 0) lefts[last] = Math.min(lefts[last]!, span - widths[last]!);
  for (let i = last - 1; i >= 0; i--) lefts[i] = Math.min(lefts[i]!, lefts[i + 1]! - gap - widths[i]!);
  return lefts;
}
