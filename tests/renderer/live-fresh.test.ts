import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fadeAlpha, fadeMs, freshCells } from '../../src-renderer/features/live/fresh-cells.ts';
import { timeOfDay } from '../../src-renderer/viz/format.ts';
import { gridFor, viewFor } from '../../src-renderer/viz/occupancy-painter.ts';

describe('the highlight of a live COW’s new exceptions', () => {
  it('marks exactly the cells whose chunk range, as the painter lays it out, holds a new chunk', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }), // span
        fc.integer({ min: 0, max: 50_000 }), // start
        fc.integer({ min: 50, max: 1500 }), // width
        fc.array(fc.integer({ min: 0, max: 160_000 }), { maxLength: 60 }),
        (span, start, width, chunks) => {
          const view = viewFor(gridFor(width, 420, span), start, span);
          const model: number[] = [];
          for (let b = 0; b < view.cells; b++) {
            const first = view.start + b * view.per;
            const last = Math.min(view.start + view.span, first + view.per);
            if (chunks.some((c) => c >= first && c < last)) model.push(b);
          }
          expect(freshCells(chunks, view)).toEqual(model);
        },
      ),
    );
  });

  it('fades from full strength to nothing over about a refresh interval', () => {
    expect(fadeMs(1)).toBe(2000);
    expect(fadeMs(5)).toBe(5000);
    expect(fadeMs(60)).toBe(10_000);
    expect(fadeAlpha(0, 5000)).toBe(1);
    expect(fadeAlpha(2500, 5000)).toBe(0.5);
    expect(fadeAlpha(6000, 5000)).toBe(0);
  });

  it('says as of when in 24-hour time, UTC', () => {
    expect(timeOfDay(Date.UTC(2026, 11, 7, 4, 5, 9))).toBe('04:05:09 UTC');
    expect(timeOfDay(Date.UTC(2026, 11, 7, 23, 59, 0))).toBe('23:59:00 UTC');
  });
});
