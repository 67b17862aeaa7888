import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserHarness, openServed, openServer, tempDir } from './app.ts';
import { makeBigPersistent } from './big-persistent.ts';
import { chromiumMissing } from './browser.ts';
import type { StatsReport } from '../src-core/api/contract.ts';
import { cli, cliJson, makeDemoStore } from './demo-store.ts';
import { hasFixture, kernelStore } from './ui-truth.ts';
import { wrappedFigures } from './wrapped.ts';

const missing = chromiumMissing() ?? (hasFixture('p-multiarea-c8') ? null : 'no kernel fixture p-multiarea-c8');

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

/** An element's box: left, right, width. */
async function box(el: Locator): Promise<{ left: number; right: number; width: number }> {
  const b = (await el.boundingBox())!;
  return { left: b.x, right: b.x + b.width, width: b.width };
}

// What session 17's UI audit left, each shown failing first.
(missing ? describe.skip : describe)(missing ? `audit e2e skipped: ${missing}` : 'what the session 17 UI audit left', () => {
  const harness = browserHarness();

  // "base, nightly-before-kernel-up" ran out of the table's right edge, its glyphs cut in half.
  it("the leaf map's names fit their cell, or end in an ellipsis with every name in the title", async () => {
    const dir = tempDir('audit-leaf-names');
    const store = makeDemoStore(dir);
    const long = `nightly-before-kernel-upgrade-of-the-database-servers-${'x'.repeat(30)}`;
    cli('snapshot', 'rename', store.cow, '-s', 'nightly', '--name', long);
    const app = await harness.open((b) => openServed(b, store, dir));
    const { page } = app;
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      await app.view('Leaf inspector');
      await page.getByLabel('Origin chunk to inspect').fill('48');
      await page.getByRole('button', { name: 'Show its leaf' }).click();
      const table = page.getByRole('table', { name: 'Exceptions of this leaf' });
      await table.locator('tr[data-origin="48"]').waitFor();
      // The table fits its card: nothing hides past a sideways scroll.
      const wrap = table.locator('xpath=..');
      expect(await wrap.evaluate((el) => el.scrollWidth - el.clientWidth), `${viewport.width} px: sideways overflow`).toBeLessThanOrEqual(0);
      let elided = 0;
      for (const copy of await table.locator('[data-cow]').all()) {
        const names = copy.locator('[data-readers]');
        const fits = await names.evaluate((el) => el.scrollWidth <= el.clientWidth);
        if (fits) continue;
        elided++;
        expect(await names.evaluate((el) => getComputedStyle(el).textOverflow)).toBe('ellipsis');
        expect(await copy.getAttribute('title')).toBe(await names.getAttribute('data-readers'));
      }
      if (viewport.width === 1280) expect(elided, 'the long name is elided at 1280 px').toBeGreaterThan(0);
      // The sharemap's snapshot legend too: each name on one line, a long one elided with its title.
      const legend = page.getByRole('group', { name: 'Snapshot colours' });
      for (const item of await legend.locator('.legend-item').all()) {
        // Swatch and text share a line at different tops: a wrap is a box wholly below the first line.
        const wraps = await item.evaluate((el) => {
          const range = document.createRange();
          range.selectNodeContents(el);
          const boxes = [...range.getClientRects()].filter((r) => r.width > 0);
          const firstLine = Math.min(...boxes.map((r) => r.bottom));
          return boxes.some((r) => r.top >= firstLine - 1);
        });
        expect(wraps, `${viewport.width} px: "${await item.textContent()}" wraps`).toBe(false);
        const name = item.locator('[data-name]');
        if (await name.evaluate((el) => el.scrollWidth > el.clientWidth)) expect(await name.getAttribute('title')).toBe(long);
      }
      await app.shot(`audit-s18-leaf-names-${viewport.width}`);
    }
  });

  // The audit at 1280 px with long snapshot names: the Name column took the table's width (the
  // figures past a sideways scroll), and a screen reader's whole UUID, positioned outside the
  // table's scroller, let the whole page scroll sideways.
  it('the Overview at 1280 px: long names elided (whole in the title), the figures in sight, the page never scrolls sideways', async () => {
    const dir = tempDir('audit-overview-names');
    const store = makeDemoStore(dir);
    const long = `nightly-before-kernel-upgrade-of-the-database-servers-${'x'.repeat(30)}`;
    cli('snapshot', 'rename', store.cow, '-s', 'nightly', '--name', long);
    const app = await harness.open((b) => openServed(b, store, dir));
    const { page } = app;
    await page.setViewportSize({ width: 1280, height: 800 });
    const table = page.getByRole('table', { name: 'Snapshots' });
    await table.waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth), 'the page scrolls sideways').toBeLessThanOrEqual(0);
    const name = table.locator('tr[data-slot="1"] [data-name]');
    expect(await name.getAttribute('title')).toBe(long);
    expect(await name.evaluate((el) => [el.scrollWidth > el.clientWidth, getComputedStyle(el).textOverflow])).toEqual([true, 'ellipsis']);
    const wrap = await box(table.locator('xpath=..'));
    for (const head of ['Exceptions', 'Bytes']) expect((await box(table.getByRole('columnheader', { name: head }))).right, `${head} in sight`).toBeLessThanOrEqual(wrap.right);
    await app.shot('audit-s18-overview-names');
  });

  // A persistent store's "5,672 / 8,192 sectors" broke after the slash at 1280 and 1920 px.
  it("the persistent Overview's dmsetup figure stays on one line", async () => {
    const dir = tempDir('audit-kernel-status');
    const store = kernelStore('p-multiarea-c8', dir);
    const app = await harness.open((b) => openServer(b, [store.cow, '--origin', store.origin], dir));
    const { page } = app;
    await page.getByTestId('ov-kernel-status').waitFor();
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      expect(await wrappedFigures(page), `${viewport.width} px`).toEqual([]);
    }
  });

  // The areas strip stopped at two-thirds of its card (each area at most 180 px).
  it("the exception table's areas strip spans its card", async () => {
    const dir = tempDir('audit-areas');
    const store = kernelStore('p-multiarea-c8', dir);
    const app = await harness.open((b) => openServer(b, [store.cow, '--origin', store.origin], dir));
    const { page } = app;
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      await app.view('Exception table');
      const strip = page.getByRole('list', { name: 'Metadata areas' });
      await strip.waitFor();
      const card = page.getByRole('region', { name: 'Areas' });
      const inner = await card.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const s = getComputedStyle(el);
        return { left: r.left + parseFloat(s.paddingLeft) + parseFloat(s.borderLeftWidth), right: r.right - parseFloat(s.paddingRight) - parseFloat(s.borderRightWidth) };
      });
      const last = await box(strip.getByRole('listitem').last());
      expect(Math.abs(last.right - inner.right), `${viewport.width} px: the strip ends at the card's edge`).toBeLessThanOrEqual(1);
      await app.shot(`audit-s18-areas-${viewport.width}`);
    }
  });

  // 70 areas, 64 of them drawn, each at least 14 px: the strip ran 100 px past its card at 1280 px.
  it('the areas strip of a store with many areas stays inside its card', async () => {
    const dir = tempDir('audit-many-areas');
    const big = makeBigPersistent(dir, 70 * 256);
    const app = await harness.open((b) => openServer(b, [big.cow], dir));
    const { page } = app;
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.setViewportSize({ width: 1280, height: 800 });
    await app.view('Exception table');
    const strip = page.getByRole('list', { name: 'Metadata areas' });
    await strip.waitFor();
    expect(await strip.getByRole('listitem').count()).toBe(65); // the header and 64 areas
    const card = await box(page.getByRole('region', { name: 'Areas' }));
    expect((await box(strip.getByRole('listitem').last())).right, 'the last area inside the card').toBeLessThanOrEqual(card.right);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth), 'the page scrolls sideways').toBeLessThanOrEqual(0);
  });

  // Four metadata chunks of 1,024 drew a sliver under 2 px, named only in the legend under the bar.
  it("the persistent statistics' bar shows every non-zero part at least 4 px wide, each named on the bar", async () => {
    const dir = tempDir('audit-cow-space');
    const store = kernelStore('p-multiarea-c8', dir);
    // The parts as `dmsetup status` counts them, from the CLI: 4 metadata chunks of 1,024.
    const stats = cliJson<StatsReport>('stats', store.cow);
    const kernel = stats.persistent!.kernel;
    const perChunk = stats.chunkBytes / 512;
    const expected = { data: (kernel.allocatedSectors - kernel.metadataSectors) / perChunk, metadata: kernel.metadataSectors / perChunk, free: (kernel.totalSectors - kernel.allocatedSectors) / perChunk };
    expect(expected.metadata).toBe(4);
    const app = await harness.open((b) => openServer(b, [store.cow, '--origin', store.origin], dir));
    const { page } = app;
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      await app.view('Tools');
      await page.getByRole('button', { name: 'Statistics' }).click();
      const bar = page.getByRole('img', { name: /^COW space/ });
      await bar.waitFor();
      const whole = await box(bar);
      let sum = 0;
      for (const [key, chunks] of Object.entries(expected)) {
        const b = await box(bar.locator(`[data-part="${key}"]`));
        sum += b.width;
        if (chunks > 0) expect(b.width, `${key} at ${viewport.width} px`).toBeGreaterThanOrEqual(4);
      }
      expect(Math.abs(sum - whole.width), 'the parts fill the bar').toBeLessThanOrEqual(1);
      // Each part named where it is drawn: its label straddles the part's middle; labels do not collide.
      const labels: { left: number; right: number }[] = [];
      for (const [key, chunks] of Object.entries(expected)) {
        const part = bar.locator(`[data-part="${key}"]`);
        if (chunks === 0) continue;
        const label = page.locator(`[data-part-label="${key}"]`);
        expect(await label.textContent()).toContain(chunks.toLocaleString('en-US'));
        const b = await box(part);
        const l = await box(label);
        expect(l.left <= b.left + b.width / 2 + 1 && l.right >= b.left + b.width / 2 - 1, `${key}'s label at its part`).toBe(true);
        for (const other of labels) expect(l.left >= other.right || l.right <= other.left, `${key}'s label collides`).toBe(true);
        labels.push(l);
      }
      await app.shot(`audit-s18-cow-space-${viewport.width}`);
    }
  });
});
