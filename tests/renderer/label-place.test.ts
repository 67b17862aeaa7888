import fc from 'fast-check';
import { expect, it } from 'vitest';
import { placeLabels } from '../../src-renderer/viz/label-place.ts';

it('centres each label on its anchor where there is room', () => {
  expect(placeLabels([100, 300], [40, 60], 400)).toEqual([80, 270]);
});

// The persistent statistics' bar: a 4 px metadata part between a wide data part and free.
it("moves a sliver's label beside its neighbour's, never over it", () => {
  const [data, meta, free] = placeLabels([160, 322, 400], [110, 70, 60], 480);
  expect(meta!).toBeGreaterThanOrEqual(data! + 110 + 8);
  expect(free!).toBeGreaterThanOrEqual(meta! + 70 + 8);
  expect(free! + 60).toBeLessThanOrEqual(480);
});

it('keeps labels in order, apart and inside the bar whenever they fit it', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 80 })), { minLength: 1, maxLength: 6 }), fc.integer({ min: 100, max: 1200 }), (raw, span) => {
      const sorted = [...raw].sort((a, b) => a[0] - b[0]);
      const widths = sorted.map(([, w]) => w);
      if (widths.reduce((n, w) => n + w + 8, -8) > span) return;
      const lefts = placeLabels(
        sorted.map(([a]) => a * span),
        widths,
        span,
      );
      lefts.forEach((l, i) => {
        expect(l).toBeGreaterThanOrEqual(-1e-9);
        expect(l + widths[i]!).toBeLessThanOrEqual(span + 1e-9);
        if (i > 0) expect(l).toBeGreaterThanOrEqual(lefts[i - 1]! + widths[i - 1]! + 8 - 1e-9);
      });
    }),
  );
});
