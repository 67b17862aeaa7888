import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserHarness, openServed, tempDir } from './app.ts';
import { chromiumMissing } from './browser.ts';
import { makeDemoStore } from './demo-store.ts';

const missing = chromiumMissing();

/** What has the keyboard: its tag and text. */
const focused = (page: Page): Promise<{ tag: string; text: string }> =>
  page.evaluate(() => ({ tag: document.activeElement?.tagName ?? '', text: (document.activeElement?.textContent ?? '').trim() }));

// Keyboard only, as a user without a mouse goes through a store.
(missing ? describe.skip : describe)(missing ? `keyboard e2e skipped: ${missing}` : 'the keyboard through the views', () => {
  const harness = browserHarness();

  // Enter on a leaf of the B-tree opened the Leaf inspector and dropped the keyboard on the page's
  // body: the next Tab started over from the sidebar.
  it('a control that opens another view leaves the keyboard on that view', async () => {
    const dir = tempDir('kbd-views');
    const store = makeDemoStore(dir);
    const app = await harness.open((b) => openServed(b, store, dir));
    const { page } = app;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.keyboard.press('Alt+3');
    await page.locator('[role=treeitem][tabindex="0"]').waitFor();
    await page.locator('[role=treeitem][tabindex="0"]').focus();
    // Down to the first leaf: the root's first child opens on the way.
    for (let i = 0; i < 6 && (await page.locator('[role=treeitem][tabindex="0"]').getAttribute('data-kind')) !== 'leaf'; i++) {
      await page.keyboard.press('ArrowDown');
      await page.waitForTimeout(300);
    }
    expect(await page.locator('[role=treeitem][tabindex="0"]').getAttribute('data-kind')).toBe('leaf');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /^Leaf inspector · leaf/ }).waitFor();
    await expect.poll(() => focused(page)).toMatchObject({ tag: 'H1', text: expect.stringMatching(/^Leaf inspector · leaf/) });
    // Tab goes on into the view.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('#main') !== null)).toBe(true);
  });

  // Delete by keyboard: once the row went, the keyboard went with it, to the page's body.
  it('after a snapshot is deleted the keyboard stays in the snapshot table\'s card', async () => {
    const dir = tempDir('kbd-delete');
    const store = makeDemoStore(dir);
    const app = await harness.open((b) => openServed(b, store, dir));
    const { page } = app;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Delete snapshot nightly' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await page.keyboard.press('Tab'); // from Cancel to the delete button
    expect(await dialog.getByRole('button', { name: /^Delete/ }).evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('button', { name: 'Delete snapshot nightly' }).count()).toBe(0);
    await expect.poll(() => focused(page)).toMatchObject({ tag: 'H2', text: 'Snapshots' });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('section')?.getAttribute('aria-labelledby'))).toBe('snapshots-title');
  });

  // The map is an application for the keyboard: + zoomed and the arrows panned, and a screen
  // reader heard nothing of where the map then was.
  it('zooming and panning the occupancy map by key says the range shown once it rests', async () => {
    const dir = tempDir('kbd-map');
    const store = makeDemoStore(dir);
    const app = await harness.open((b) => openServed(b, store, dir));
    const { page } = app;
    await page.keyboard.press('Alt+5');
    const map = page.getByRole('application', { name: /^Occupancy map/ });
    await map.waitFor();
    // Focused, the map is described by the range it shows (and what it holds: ui-audit-s17).
    const described = await map.evaluate((el) => document.getElementById((el.getAttribute('aria-describedby') ?? '').split(' ')[0]!)?.textContent ?? '');
    expect(described).toMatch(/^chunks 0–4,095 of 4,096$/);
    await map.focus();
    await page.keyboard.press('+');
    await page.keyboard.press('PageDown');
    const said = page.getByTestId('occupancy-range-said');
    expect(await said.getAttribute('role')).toBe('status');
    await expect.poll(() => said.textContent()).toMatch(/^Showing chunks [\d,]+–[\d,]+ of 4,096: /);
    expect(await said.textContent()).toContain(`Showing ${await page.getByTestId('occupancy-range').textContent()}: `);
    expect(await said.textContent()).not.toContain('chunks 0–');
  });

  // "Run check" is disabled while the check runs, and the browser dropped the keyboard on the body.
  it('a button disabled while its job runs has the keyboard back when the job ends', async () => {
    const dir = tempDir('kbd-check');
    const store = makeDemoStore(dir);
    const app = await harness.open((b) => openServed(b, store, dir));
    const { page } = app;
    await page.keyboard.press('Alt+t');
    const run = page.getByRole('button', { name: 'Run check' });
    await run.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('check-errors').waitFor();
    await expect.poll(() => focused(page)).toEqual({ tag: 'BUTTON', text: 'Run check' });
    await page.getByRole('button', { name: 'Statistics' }).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('stats-exceptions').waitFor();
    await expect.poll(() => focused(page)).toEqual({ tag: 'BUTTON', text: 'Statistics' });
  });
});

