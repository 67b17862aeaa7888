import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { browserHarness, openServer, tempDir } from './app.ts';
import { makeBigStore } from './big-store.ts';
import { chromiumMissing } from './browser.ts';

const missing = chromiumMissing();

(missing ? describe.skip : describe)(missing ? `wide B-tree e2e skipped: ${missing}` : 'the B-tree explorer on a million-exception store', () => {
  const h = browserHarness();

  it('fits a level of hundreds of leaves (marks, links on canvas, minimap), walks the tree by keyboard, and a search lands on its leaf', async () => {
    const dir = tempDir('btree');
    try {
      const store = makeBigStore(dir);
      const app = await h.open((b) => openServer(b, [store.cow], dir));
      const { page } = app;
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      await app.view('B-tree');
      const tree = page.getByRole('tree', { name: 'B-tree of exceptions' });
      const items = tree.getByRole('treeitem');
      await items.first().waitFor();

      // Keyboard: one stop in the tab order; down to a child, right to its sibling, up to the root.
      const focused = () => page.evaluate(() => ({ key: document.activeElement?.getAttribute('data-key'), level: document.activeElement?.getAttribute('aria-level') }));
      expect(await tree.locator('[role="treeitem"][tabindex="0"]').count()).toBe(1);
      await tree.locator('[role="treeitem"][tabindex="0"]').focus();
      expect((await focused()).level).toBe('1');
      await page.keyboard.press('ArrowDown');
      await expect.poll(async () => (await focused()).level).toBe('2');
      const first = (await focused()).key;
      await page.keyboard.press('ArrowRight');
      await expect.poll(async () => (await focused()).key).not.toBe(first);
      expect((await focused()).level).toBe('2');
      // Enter opens the node the keyboard is on; its children arrive at level 3.
      const at = (await focused()).key!;
      await page.keyboard.press('Enter');
      await expect.poll(() => tree.locator(`[data-key="${at}"]`).getAttribute('aria-expanded')).toBe('true');
      await page.keyboard.press('ArrowDown');
      await expect.poll(async () => (await focused()).level).toBe('3');
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('ArrowUp');
      await expect.poll(async () => (await focused()).level).toBe('1');

      // Show every child of the open node by keyboard: hundreds of leaves on one level; the keyboard stays on the node.
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowRight');
      await expect.poll(async () => (await focused()).key).toBe(at);
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('End');
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-kind'))).toBe('more');
      await page.keyboard.press('Enter');
      await expect.poll(async () => Number(await tree.getAttribute('data-blocks')), { timeout: 20_000 }).toBeGreaterThan(200);
      await expect.poll(async () => (await focused()).key).toBe(at);
      const leaves = await page.evaluate(() => document.querySelectorAll('[data-kind="leaf"]').length);
      expect(leaves).toBeGreaterThan(0);

      // Fit: the whole tree inside the view, as marks or density, links on a canvas, the minimap framing it all.
      await page.getByRole('button', { name: 'Fit' }).click();
      await expect.poll(() => tree.getAttribute('data-lod'), { timeout: 5000 }).not.toBe('box');
      await page.waitForTimeout(500); // the camera's glide
      await expect.poll(() => tree.getAttribute('data-fits'), { timeout: 5000 }).toBe('true');
      expect(await tree.getAttribute('data-links')).toBe('canvas');
      const whole = await page.getByTestId('minimap-view').boundingBox();
      await app.shot('32-btree-fit-all');

      // Zooming in shrinks the minimap's frame; boxes come back, only those near the view drawn.
      for (let i = 0; i < 14 && (await tree.getAttribute('data-lod')) !== 'box'; i++) {
        await page.getByRole('button', { name: 'Zoom in' }).click();
        await page.waitForTimeout(260); // each step glides 200 ms
      }
      await expect.poll(() => tree.getAttribute('data-lod')).toBe('box');
      await page.waitForTimeout(300);
      const zoomed = await page.getByTestId('minimap-view').boundingBox();
      expect(zoomed!.width).toBeLessThan(whole!.width);
      expect(Number(await tree.getAttribute('data-drawn'))).toBeLessThan(Number(await tree.getAttribute('data-blocks')));

      // Search: the leaf of an origin chunk is found, on the highlighted path, and has the keyboard.
      await page.getByLabel('Origin chunk', { exact: true }).fill('420000');
      await page.getByRole('button', { name: 'Find' }).click();
      const path = page.getByTestId('search-path');
      await path.waitFor();
      const leaf = Number((await path.textContent())!.split(' → ').at(-1));
      await page.locator(`.tree-node.path.focused[data-chunk="${leaf}"]`).waitFor();
      await app.shot('33-btree-search-wide');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
