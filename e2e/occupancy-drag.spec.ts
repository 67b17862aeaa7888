/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserHarness, openServer, tempDir } from './app.ts';
import { chromiumMissing } from './browser.ts';
import { cellPixel, gridFor, viewFor } from '../src-renderer/viz/occupancy-painter.ts';
import { CHUNK_BYTES, firstDataChunk, writeMetadataStore } from './metadata-store.ts';

/**
 * The occupancy map pans and zooms from data kept in the page: a drag repaints every frame and
 * asks the host nothing until the camera rests; then it asks once, and what it shows is what a
 * map opened fresh at that camera shows. Behaviour only: speed is `npm run bench:ui`.
 */
const missing = chromiumMissing();

/** Share masks over three snapshots, in turn per origin chunk, so neighbouring cells differ. */
const PATTERN: number[][] = [[0x01], [0x07], [0x02, 0x04], [0x04], [0x03], [0x02]];

/** A shared store of ~60k exceptions: more chunks than the whole-device summary has buckets, so one chunk per cell needs detail. */
function makeStore(dir: string): { cow: string; chunkCount: number } {
  let exceptions = 0;
  let origins = 0;
  while (exceptions < 60_000) exceptions += PATTERN[origins++ % PATTERN.length]!.length;
  const first = firstDataChunk(exceptions + 20_000);
  const chunkCount = first + exceptions + 20_000;
  const cow = path.join(dir, 'drag.cow');
  writeMetadataStore(cow, chunkCount, ['mon', 'tue', 'wed'], 1_704_067_200, {
    forEach(visit) {
      let chunk = first;
      for (let o = 0; o < origins; o++) for (const mask of PATTERN[o % PATTERN.length]!) visit(o, chunk++, mask, 0);
    },
  });
  fs.writeFileSync(path.join(dir, 'drag.origin'), '');
  fs.truncateSync(path.join(dir, 'drag.origin'), origins * CHUNK_BYTES);
  return { cow, chunkCount };
}

/** From now on, the page's calls to the host by method (the socket's sends, counted in the page). */
function countCalls(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { __calls: string[] };
    w.__calls = [];
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (this: WebSocket, data: string) {
      w.__calls.push((JSON.parse(data) as { method: string }).method);
      return send.call(this, data);
    };
  });
}
const occupancyCalls = (page: Page): Promise<number> => page.evaluate(() => (window as unknown as { __calls: string[] }).__calls.filter((m) => m === 'occupancy').length);

/** The colour of every cell of the map (its range from the canvas): the canvas holds one pixel per cell. */
async function cellColours(page: Page): Promise<string[]> {
  const canvas = page.locator('.viz canvas');
  const [start, end] = (await canvas.getAttribute('data-range'))!.split('-').map(Number) as [number, number];
  const size = await canvas.evaluate((c: HTMLCanvasElement) => ({ width: c.clientWidth, height: c.clientHeight }));
  const grid = gridFor(size.width, size.height, end - start);
  const view = viewFor(grid, start, end - start);
  const points = [...Array(view.cells).keys()].map((b) => cellPixel(grid, b));
  return canvas.evaluate((c: HTMLCanvasElement, points) => {
    const ctx = c.getContext('2d')!;
    return points.map((p) => ctx.getImageData(p.x, p.y, 1, 1).data.join(','));
  }, points);
}

async function showChunk(page: Page, chunk: number): Promise<void> {
  await page.getByLabel('Go to COW chunk').fill(String(chunk));
  await page.getByRole('button', { name: 'Go to chunk' }).click();
}

(missing ? describe.skip : describe)(missing ? `occupancy drag e2e skipped: ${missing}` : 'occupancy map drag and wheel', () => {
  const harness = browserHarness();

  it('a drag repaints every frame without host calls, asks once when the camera rests, then shows what a fresh map at that camera shows; a wheel notch shows in the next frame', async () => {
    const dir = tempDir('occupancy-drag');
    const store = makeStore(dir);
    const app = await harness.open((browser) => openServer(browser, [store.cow], dir));
    const { page } = app;
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await app.view('Occupancy');
    const canvas = page.locator('.viz canvas');
    await page.locator('.viz canvas[data-owners="true"]').waitFor();
    // The narrowest view (one chunk per cell): its detail comes from the host.
    await showChunk(page, 20_000);
    await page.locator('.viz canvas[data-detail="true"]').waitFor();
    const narrow = (await canvas.getAttribute('data-range'))!.split('-').map(Number) as [number, number];
    await countCalls(page);

    // Up the screen 12 px a frame for 90 frames: about 27 rows of 1,000 px, past the detail window.
    const drag = await canvas.evaluate(
      (c: HTMLCanvasElement) =>
        new Promise<{ frames: number; paints: number; coarseFrames: number }>((resolve) => {
          const r = c.getBoundingClientRect();
          const x = r.left + r.width / 2;
          const y0 = r.top + r.height / 2;
          const fire = (type: string, y: number): void => {
            c.dispatchEvent(new PointerEvent(type, { bubbles: true, clientX: x, clientY: y, buttons: type === 'pointerup' ? 0 : 1, pointerId: 1, isPrimary: true }));
          };
          fire('pointerdown', y0);
          const paints0 = Number(c.dataset.frames);
          let frames = 0;
          let coarseFrames = 0;
          const frame = (): void => {
            if (c.dataset.detail === 'false') coarseFrames++;
            if (frames === 90) {
              fire('pointerup', y0 - frames * 12);
              resolve({ frames, paints: Number(c.dataset.frames) - paints0, coarseFrames });
              return;
            }
            frames++;
            fire('pointermove', y0 - frames * 12);
            requestAnimationFrame(frame);
          };
          requestAnimationFrame(frame);
        }),
    );
    // Each frame's move is painted in the next frame: every frame but the last repainted.
    expect(drag.paints).toBeGreaterThanOrEqual(drag.frames - 1);
    // It left the detail window (painted from the whole-device summary) and still asked nothing.
    expect(drag.coarseFrames).toBeGreaterThan(0);
    expect(await occupancyCalls(page)).toBe(0);

    // At rest: detail for the new window, asked once.
    await page.locator('.viz canvas[data-detail="true"]').waitFor();
    expect(await occupancyCalls(page)).toBe(1);
    const [start, end] = (await canvas.getAttribute('data-range'))!.split('-').map(Number) as [number, number];
    expect(end - start).toBe(narrow[1] - narrow[0]);
    expect(start).toBeGreaterThan(narrow[0] + (end - start));
    // One canvas pixel per cell, scaled up by CSS: what a frame uploads does not grow with the screen.
    const backing = await canvas.evaluate((c: HTMLCanvasElement) => ({ width: c.width, height: c.height, cssWidth: c.clientWidth, cssHeight: c.clientHeight }));
    const cells = gridFor(backing.cssWidth, backing.cssHeight, end - start);
    expect([backing.width, backing.height]).toEqual([cells.cols, cells.rows]);
    const dragged = await cellColours(page);
    expect(new Set(dragged).size).toBeGreaterThan(2); // snapshots' colours, not one blank

    // A fresh page with its camera put on the same range ("go to" its middle chunk).
    const fresh = await page.context().newPage();
    try {
      await fresh.goto(app.served.url);
      await fresh.getByRole('heading', { name: 'Overview' }).waitFor();
      await fresh.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: /^Occupancy/ }).click();
      await fresh.locator('.viz canvas[data-owners="true"]').waitFor();
      await showChunk(fresh, start + Math.floor((end - start) / 2));
      await fresh.locator(`.viz canvas[data-range="${start}-${end}"][data-detail="true"]`).waitFor();
      expect(await cellColours(fresh)).toEqual(dragged);
    } finally {
      await fresh.close();
    }

    // A wheel notch out: the first frame after it shows the new range, from local data.
    const notch = await canvas.evaluate(
      (c: HTMLCanvasElement) =>
        new Promise<{ before: string; after: string; calls: number }>((resolve) => {
          const r = c.getBoundingClientRect();
          const before = c.dataset.range!;
          c.dispatchEvent(new WheelEvent('wheel', { deltaY: 100, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true, cancelable: true }));
          const calls = (): number => (window as unknown as { __calls: string[] }).__calls.filter((m) => m === 'occupancy').length;
          const calls0 = calls();
          requestAnimationFrame(() => resolve({ before, after: c.dataset.range!, calls: calls() - calls0 }));
        }),
    );
    const span = (range: string): number => Number(range.split('-')[1]) - Number(range.split('-')[0]);
    expect(span(notch.after)).toBeGreaterThan(span(notch.before));
    expect(notch.calls).toBe(0);
  });
});
