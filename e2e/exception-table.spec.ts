import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { browserHarness, openServer, tempDir } from './app.ts';
import { makeBigPersistent } from './big-persistent.ts';
import { chromiumMissing } from './browser.ts';

const missing = chromiumMissing();
/** Past Chromium's element-height cap at 30 px a row (2^25 px ≈ 1.12M rows). */
const ROWS = 2_000_000;

(missing ? describe.skip : describe)(missing ? `exception table e2e skipped: ${missing}` : 'the exception table of a 2M-exception persistent COW', () => {
  const h = browserHarness();

  it('reaches the last row by End and by the scrollbar, sorts and filters while scrolled without rows left loading', async () => {
    const dir = tempDir('table');
    try {
      const store = makeBigPersistent(dir, ROWS);
      const app = await h.open((b) => openServer(b, [store.cow], dir));
      const { page } = app;
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      await app.view('Exception table');
      const table = page.getByRole('table', { name: 'Exception table' });
      const row = (i: number) => table.locator(`[role="row"][data-row="${i}"]`);
      const cells = async (i: number) => (await row(i).locator('[role="cell"]').allTextContents()).map((t) => Number(t.replace(/,/g, '')));
      const loading = table.getByText('loading…');
      await expect.poll(() => cells(0), { timeout: 20_000 }).toEqual([0, 0, store.originOf(0), expect.any(Number)]);

      // End: the last entry, on screen, with its own origin.
      await table.focus();
      await page.keyboard.press('End');
      await expect.poll(async () => (await cells(ROWS - 1))[0]).toBe(ROWS - 1);
      expect((await cells(ROWS - 1))[2]).toBe(store.originOf(ROWS - 1));
      expect(await row(ROWS - 1).isVisible()).toBe(true);
      await app.shot('30-table-last-row');

      // Up a row from the end, then Home: the first row again.
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('Home');
      await expect.poll(async () => (await cells(0))[0]).toBe(0);

      // The scrollbar: dragged to its end it shows the last row too; half-way, the middle rows.
      await table.evaluate((el) => (el.scrollTop = el.scrollHeight));
      await expect.poll(async () => (await cells(ROWS - 1))[0]).toBe(ROWS - 1);
      await table.evaluate((el) => (el.scrollTop = (el.scrollHeight - el.clientHeight) / 2));
      await expect.poll(async () => Math.abs(Number(await table.getAttribute('data-first-row')) - ROWS / 2)).toBeLessThan(100);
      const middle = Number(await table.getAttribute('data-first-row'));
      await expect.poll(async () => (await cells(middle + 5))[0]).toBe(middle + 5);
      await expect.poll(() => loading.count()).toBe(0);

      // Sorting while scrolled: back to the first row, which shows (nothing stays "loading…").
      await table.getByRole('button', { name: /^Origin chunk/ }).click();
      await expect.poll(() => table.getAttribute('data-first-row')).toBe('0');
      await expect.poll(async () => (await cells(0))[2]).toBe(0);
      await expect.poll(() => loading.count()).toBe(0);
      await table.getByRole('button', { name: /^Origin chunk/ }).click();
      await expect.poll(async () => (await cells(0))[2]).toBe(ROWS - 1);

      // Filtering while scrolled: the same.
      await table.focus();
      await page.keyboard.press('End');
      await expect.poll(async () => (await cells(ROWS - 1))[2]).toBe(0);
      await page.getByLabel('Origin from').fill('1000');
      await page.getByLabel('Origin to').fill('1999');
      await page.getByRole('button', { name: 'Filter' }).click();
      await expect.poll(() => page.getByTestId('exception-count').getAttribute('data-value')).toBe('1000');
      await expect.poll(async () => (await cells(0))[2]).toBe(1999);
      await expect.poll(() => loading.count()).toBe(0);
      await app.shot('31-table-filtered');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
