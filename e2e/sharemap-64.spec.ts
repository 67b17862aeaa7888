import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { browserHarness, openServer, tempDir } from './app.ts';
import { chromiumMissing } from './browser.ts';
import { groupsOf, makeManySnapshots } from './many-snapshots.ts';

const missing = chromiumMissing();

(missing ? describe.skip : describe)(missing ? `64-snapshot e2e skipped: ${missing}` : 'a leaf of a 64-snapshot store', () => {
  const h = browserHarness();

  it('shows all 64 columns with names at 1440×900, a key for every colour and state, and a map table of names or counts', async () => {
    const dir = tempDir('many');
    try {
      const store = makeManySnapshots(dir);
      const app = await h.open((b) => openServer(b, [store.cow], dir));
      const { page } = app;
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      await app.view('Leaf inspector');
      await page.getByLabel('Origin chunk to inspect').fill('1200');
      await page.getByRole('button', { name: 'Show its leaf' }).click();
      await page.locator('tr[data-origin="1200"]').waitFor();

      // Every column, named, and the matrix fits the window without a sideways scroll.
      const map = page.locator('[data-columns]');
      expect(await map.getAttribute('data-columns')).toBe('64');
      expect(Number(await map.getAttribute('data-cell-width'))).toBeGreaterThanOrEqual(15);
      expect(await map.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
      const heads = await page.locator('canvas thead th').allTextContents();
      expect(heads.slice(1)).toEqual(store.names);

      // The key names every state: own copy, shared copy, the origin.
      const key = page.getByLabel('Sharemap key');
      for (const text of ['only that snapshot reads', 'several snapshots share', 'reads the origin']) await expect.poll(() => key.textContent()).toContain(text);

      // Cells say which copy each snapshot reads: the pattern the store was built with.
      const cells = await page.locator('canvas td[data-origin="1200"]').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-chunk'))));
      const groups = groupsOf(1200);
      const readsOrigin = [...Array(64).keys()].filter((s) => !groups.some((g) => g.includes(s)));
      expect(cells.filter((c) => c < 0).length).toBe(readsOrigin.length);
      expect(new Set(cells.filter((c) => c >= 0)).size).toBe(groups.length);

      // The map table: names for a few readers, a count for many; never 64 swatches in a row.
      const row = page.locator('tr[data-origin="1200"]');
      expect(await row.locator('.swatch').count()).toBe(groups.length);
      const everyone = page.locator('tr[data-origin="1194"]'); // 1194 % 6 === 0: one copy all 64 share
      await expect.poll(() => everyone.textContent()).toContain('64 snapshots');
      await page.waitForTimeout(200);
      await app.shot('34-sharemap-64-snapshots');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
