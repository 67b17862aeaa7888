import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserHarness, openServed, openServer, tempDir } from './app.ts';
import { makeBigStore } from './big-store.ts';
import { chromiumMissing } from './browser.ts';
import { makeDemoStore, ROOT } from './demo-store.ts';
import { leakOneChunk } from './leak.ts';
import { makeManySnapshots } from './many-snapshots.ts';

const missing = chromiumMissing();

/** Whether the element's box lies inside the window. */
async function inWindow(page: Page, el: Locator): Promise<boolean> {
  const box = await el.boundingBox();
  const size = page.viewportSize()!;
  return box !== null && box.y >= 0 && box.y + box.height <= size.height + 1 && box.x >= 0 && box.x + box.width <= size.width + 1;
}

/** The legend's items that its box clips away (below its bottom edge), by name. */
function clippedItems(legend: Locator): Promise<string[]> {
  return legend.evaluate((el) => {
    const clip = el.getBoundingClientRect();
    return [...el.querySelectorAll('.legend-item')].filter((i) => i.getBoundingClientRect().bottom > clip.bottom + 1).map((i) => i.textContent ?? '');
  });
}

// What last session's UI audit left, each shown failing first.
(missing ? describe.skip : describe)(missing ? `audit e2e skipped: ${missing}` : 'what the last UI audit left', () => {
  const harness = browserHarness();

  // A 64-snapshot legend scrolled inside a 76 px box with nothing saying more names were hidden.
  it('a folded legend says how many names it hides and opens from the keyboard', async () => {
    const dir = tempDir('audit-legend');
    const store = makeManySnapshots(dir);
    const app = await harness.open((b) => openServer(b, [store.cow], dir));
    const { page } = app;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await app.view('Leaf inspector');
    await page.getByLabel('Origin chunk to inspect').fill('1200');
    await page.getByRole('button', { name: 'Show its leaf' }).click();
    await page.locator('tr[data-origin="1200"]').waitFor();
    const legend = page.getByRole('group', { name: 'Snapshot colours' });
    const hidden = await clippedItems(legend);
    expect(hidden.length).toBeGreaterThan(0);
    // The cue: a button naming how many are out of sight, in sight itself, over a fade.
    const more = page.getByRole('button', { name: `Show all 64 snapshots (${hidden.length} more)` });
    expect(await inWindow(page, more)).toBe(true);
    expect(await more.getAttribute('aria-expanded')).toBe('false');
    const fade = await legend.evaluate((el) => getComputedStyle(el).maskImage || getComputedStyle(el).webkitMaskImage);
    expect(fade).toContain('gradient');
    await app.shot('audit-legend-folded');
    // Keyboard only: Tab reaches it, Enter opens it, every name is then in the legend's box.
    await more.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => clippedItems(legend)).toEqual([]);
    const less = page.getByRole('button', { name: 'Show fewer snapshots' });
    expect(await less.getAttribute('aria-expanded')).toBe('true');
    expect(await less.evaluate((el) => el === document.activeElement)).toBe(true);
    await app.shot('audit-legend-open');
    // Tabbing onto a name the fold hides opens the fold, so the keyboard never sits out of sight.
    await page.keyboard.press('Enter');
    await expect.poll(() => clippedItems(legend).then((h) => h.length)).toBe(hidden.length);
    const last = legend.getByRole('button', { name: store.names[63]! });
    await last.focus();
    await expect.poll(() => clippedItems(legend)).toEqual([]);
    // And it shows where it is: the toggles' reset style had taken the focus ring away.
    expect(await last.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
    // Picked, that name stays in sight: back in the view later, the fold opens on it.
    await page.keyboard.press('Enter');
    expect(await last.getAttribute('aria-pressed')).toBe('true');
    await app.view('Overview');
    await app.view('Leaf inspector');
    await page.locator('tr[data-origin="1200"]').waitFor();
    await expect.poll(() => clippedItems(legend)).toEqual([]);
    expect(await page.getByRole('button', { name: 'Show fewer snapshots' }).count()).toBe(1);
  });

  // Node keys read "12345 · 24690 …" where every other figure of the UI is grouped.
  it('node boxes show their keys with thousands separators, inside the box', async () => {
    const dir = tempDir('audit-keys');
    const store = makeBigStore(dir);
    const app = await harness.open((b) => openServer(b, [store.cow], dir));
    const { page } = app;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await app.view('B-tree');
    const nodes = page.locator('.tree-node[data-kind="node"]');
    await nodes.first().waitFor();
    const boxes = await nodes.evaluateAll((gs) =>
      gs.map((g) => {
        const rect = g.querySelector('rect')!.getBoundingClientRect();
        const keys = g.querySelectorAll('text')[1]!;
        const text = keys.getBoundingClientRect();
        return { keys: keys.textContent ?? '', inside: text.left >= rect.left && text.right <= rect.right - 4 };
      }),
    );
    expect(boxes.length).toBeGreaterThan(0);
    expect(boxes.filter((b) => /\d{1,3}(,\d{3})+/.test(b.keys)).length, 'nodes with keys past 999').toBeGreaterThan(0);
    for (const b of boxes) {
      expect(b.keys, 'keys of four digits or more are grouped').not.toMatch(/\d{4}/);
      expect(b.inside, `"${b.keys}" inside its box`).toBe(true);
    }
    await app.shot('audit-node-keys');
  });

  // In a window 900 px tall (or narrow, where the search column goes under the tree) the answer was below the fold.
  it('a B-tree search brings its result into sight', async () => {
    const dir = tempDir('audit-search');
    const store = makeDemoStore(dir);
    const app = await harness.open((b) => openServed(b, store, dir));
    const { page } = app;
    await app.view('B-tree');
    await page.locator('.tree-node').first().waitFor();
    for (const [width, height] of [
      [1280, 900],
      [900, 900],
      [900, 600],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.locator('.content').evaluate((el) => el.scrollTo(0, 0));
      const input = page.getByLabel('Origin chunk', { exact: true });
      await input.fill(String(100 + Math.round(width / 10 + height / 100)));
      await input.press('Enter');
      const result = page.getByRole('region', { name: /^Origin chunk \d+/ });
      await result.getByTestId('search-answer').waitFor();
      await expect.poll(() => inWindow(page, result), { message: `the search result in sight at ${width} × ${height}` }).toBe(true);
      // A screen reader hears the answer while the keyboard stays in the search box.
      const answer = await result.getByTestId('search-answer').textContent();
      await expect.poll(() => page.getByTestId('announcer').textContent()).toBe(`Origin chunk ${100 + Math.round(width / 10 + height / 100)}: ${answer}`);
      expect(await input.evaluate((el) => el === document.activeElement)).toBe(true);
      await app.shot(`audit-search-${width}x${height}`);
    }
  });

  // A leaked chunk is referenced by nothing: "in the B-tree" led to an error, and the map's button offered its leaf.
  it("a leaked chunk's finding leads to the bitmap's occupancy at that chunk only, and says what it is there", async () => {
    const dir = tempDir('audit-leak');
    const store = makeDemoStore(dir);
    const chunk = leakOneChunk(store.cow);
    const cliCheck = JSON.parse(spawnSync(process.execPath, [path.join(ROOT, 'bin', 'snapscope.mjs'), 'check', store.cow, '--json'], { encoding: 'utf8' }).stdout) as { findings: { kind: string; chunk?: number }[] };
    expect(cliCheck.findings.filter((f) => f.kind === 's-bitmap-leak').map((f) => f.chunk)).toEqual([chunk]);
    const app = await harness.open((b) => openServer(b, [store.cow, '--origin', store.origin], dir));
    const { page } = app;
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await app.view('Tools');
    await page.getByRole('button', { name: 'Run check' }).click();
    const finding = page.locator('details[data-kind="s-bitmap-leak"] li');
    await finding.first().waitFor({ timeout: 30_000 });
    await finding.first().locator('xpath=ancestor::details').evaluate((d) => ((d as HTMLDetailsElement).open = true));
    const links = await finding.getByRole('button').allTextContents();
    expect(links).toEqual([`chunk ${chunk} in the bitmap`]);
    await finding.getByRole('button', { name: `chunk ${chunk} in the bitmap` }).click();
    await page.getByRole('heading', { name: 'Occupancy' }).waitFor();
    const canvas = page.locator('canvas[data-marked]').first();
    await expect.poll(() => canvas.getAttribute('data-marked'), { timeout: 10_000 }).toBe(String(chunk));
    // Beside the map, what the marked chunk is: no leaf to offer, and why.
    await expect.poll(() => page.getByRole('status').filter({ hasText: `Chunk ${chunk} is marked used but referenced by nothing` }).count()).toBe(1);
    expect(await page.getByRole('button', { name: /Open the leaf of chunk/ }).count()).toBe(0);
    await app.shot('audit-leak-link');
  });
});
