import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall } from './api.ts';
import { tempDir } from './app.ts';
import { makeBigStore, type BigStore } from './big-store.ts';
import { ARTIFACTS, chromiumMissing, launch, openPage, screenshot } from './browser.ts';
import { serve, type Served } from './server.ts';
import { timeInPage } from './timing.ts';

const missing = chromiumMissing();

(missing ? describe.skip : describe)(missing ? `big store e2e skipped: ${missing}` : 'a store of a million exceptions in Chromium', () => {
  let browser: Browser;
  let served: Served;
  let store: BigStore;
  let dir: string;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    dir = tempDir('big');
    store = makeBigStore(dir);
    timings['build the store'] = store.buildMs;
    [browser, served] = await Promise.all([launch(), serve([], { XDG_DATA_HOME: dir, HOME: dir })]);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const log = { exceptions: store?.exceptions, chunks: store?.chunkCount, ms: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])) };
    fs.writeFileSync(path.join(ARTIFACTS, 'big-store-timings.json'), `${JSON.stringify(log, null, 2)}\n`);
    console.log('big store timings (ms):', log.ms);
  });

  it('paints the overview after open, expands the tree on demand, zooms and pans the map by buckets', async () => {
    const { page, errors } = await openPage(browser, served.url);
    await page.getByLabel('COW device or image').fill(store.cow);

    // First paint of the overview, from the click on Open: the open job, then the view.
    const paint = await timeInPage(page, 'form button[type="submit"]', `[data-testid="ov-exceptions"][data-value="${store.exceptions}"]`);
    const open = (await apiCall(served.url, 'jobs', {})).jobs.find((j) => j.kind === 'open' && j.state === 'done')!;
    timings['overview first paint, from the click on Open'] = paint;
    timings['  of which the open job (host)'] = open.endedAt! - open.startedAt;
    timings['  the rest: calls, events, render'] = paint - (open.endedAt! - open.startedAt);
    expect(await page.getByRole('table', { name: 'Snapshots' }).locator('tbody tr').count()).toBe(store.snapshots.length);
    await screenshot(page, '13-big-overview');

    // The B-tree: the root and its children only; a node opens with a window of its children.
    const collapsed = '[data-kind="node"][aria-label$="collapsed"]';
    timings['B-tree first paint'] = await timeInPage(page, 'button[aria-keyshortcuts="Alt+3"]', collapsed);
    const tree = page.getByRole('tree', { name: 'B-tree of exceptions' });
    const loaded = async () => Number(await tree.getAttribute('data-blocks'));
    const top = await loaded();
    expect(top).toBeLessThan(64);
    timings['B-tree: expand a node of hundreds of leaves'] = await timeInPage(page, collapsed, '[data-kind="leaf"]', 1);
    expect(await loaded()).toBeLessThanOrEqual(top + 8);
    await page.waitForTimeout(800);
    await screenshot(page, '14-big-btree');

    // Occupancy: the whole device in buckets (roles at once, owners after), then zooms that refetch buckets.
    const canvas = page.locator('.viz canvas');
    timings['occupancy first paint (roles)'] = await timeInPage(page, 'button[aria-keyshortcuts="Alt+5"]', `canvas[data-range="0-${store.chunkCount}"]`);
    let t = Date.now();
    await page.locator(`.viz canvas[data-owners="true"][data-range="0-${store.chunkCount}"]`).waitFor();
    timings['occupancy by snapshot (owners), after that'] = Date.now() - t;
    for (let i = 1; i <= 3; i++) {
      const before = await canvas.getAttribute('data-range');
      const ms = await timeInPage(page, 'button[aria-label="Zoom in on the map"]', `canvas[data-owners="true"]:not([data-range="${before}"])`);
      timings[`occupancy zoom ${i} (to ${Math.round(store.chunkCount / 2 ** i).toLocaleString('en-US')} chunks)`] = ms;
    }
    const before = await canvas.getAttribute('data-range');
    t = Date.now();
    await page.locator('.viz.occupancy').focus();
    await page.keyboard.press('PageDown');
    await page.locator(`.viz canvas[data-owners="true"]:not([data-range="${before}"])`).waitFor();
    timings['occupancy pan (a quarter view)'] = Date.now() - t;
    await screenshot(page, '15-big-occupancy');

    // A leaf of it: its table and sharemap.
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: /^Leaf inspector/ }).click();
    await page.getByLabel('Origin chunk to inspect').fill('420000');
    await page.getByRole('button', { name: 'Show its leaf' }).click();
    await page.locator('tr[data-origin="420000"]').waitFor();
    await screenshot(page, '16-big-leaf');
    expect(errors, 'browser console errors').toEqual([]);
    await page.context().close();
  });
});
