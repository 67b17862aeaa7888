import { afterEach, describe, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { MAX_PAGES, PAGE_ROWS } from '../../src-renderer/store/persistent-slice.ts';
import { scrollGeometry, SCROLL_CAP } from '../../src-renderer/ui/virtual-scroll.ts';
import { tablePersistent } from '../main/fixtures.ts';
import { appOverEngine, tempDir, until } from './fixtures.ts';

describe('scroll geometry', () => {
  it('a list taller than the cap scrolls a capped spacer whose full range reaches the last row', () => {
    const rows = 10_000_000;
    const g = scrollGeometry(rows, 30, 386);
    expect(g.spacer).toBe(SCROLL_CAP);
    // The element's largest scrollTop (spacer less viewport) maps to the offset that shows the last row.
    expect((g.spacer - 386) * g.ratio).toBeCloseTo(rows * 30 - 386, 3);
    expect(scrollGeometry(1000, 30, 386)).toEqual({ spacer: 30_000, maxTop: 30_000 - 386, ratio: 1 });
  });
});

let service: EngineService | undefined;
afterEach(async () => service?.dispose());

describe('the exception table slice', () => {
  it('keeps at most MAX_PAGES pages, nearest the view; a sort while scrolled goes to the first row and loads it', async () => {
    const dir = tempDir();
    const cow = tablePersistent(dir, 30_000);
    const app = appOverEngine(dir);
    service = app.service;
    const s = app.store.getState();
    await s.init();
    expect(await s.openStore({ cow })).toBe(true);
    await s.reloadTable();
    expect(app.store.getState().matched).toBe(30_000);

    // Scroll through the whole table a screen at a time.
    for (let first = 0; first < 30_000; first += 150) {
      app.store.getState().showRows(first, first + 20);
      await until(app.store, (st) => st.pages.has(Math.floor(first / PAGE_ROWS)));
      expect(app.store.getState().pages.size).toBeLessThanOrEqual(MAX_PAGES);
    }
    const kept = [...app.store.getState().pages.keys()];
    expect(Math.min(...kept)).toBeGreaterThan(140 - MAX_PAGES - 1);
    expect(app.store.getState().pages.get(149)!.at(-1)!.entry).toBe(29_999);

    // Sorting while at the bottom: the view returns to the top and its rows arrive with no scroll.
    const top = app.store.getState().tableTop;
    app.store.getState().setQuery({ sort: 'origin', descending: true });
    expect(app.store.getState().tableTop).toBe(top + 1);
    await until(app.store, (st) => st.pages.has(0));
    expect(app.store.getState().pages.get(0)![0]!.origin).toBe(29_999);
    expect(app.store.getState().stalePages.size).toBe(0);

    // A change of the store keeps the rows in view until their page is fetched again.
    app.store.getState().showRows(0, 20);
    const before = app.store.getState().pages.get(0);
    const reloading = app.store.getState().reloadTable();
    expect(app.store.getState().stalePages.get(0)).toBe(before);
    await reloading;
    expect(app.store.getState().pages.get(0)).toEqual(before);
    expect(app.store.getState().stalePages.has(0)).toBe(false);
  });
});
