/// <reference lib="dom" />
/**
 * bench:ui's occupancy rows, for any store open in the page: a wheel notch from the whole device,
 * then a 2 s drag at each zoom down to one chunk per cell, each interleaved with the page's idle
 * frame rate (rAF with nothing to do, 2 s just before), which is what the loaded machine gives,
 * and with the CPU Chromium spent per repaint, which the load does not change much.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumCpuMs } from './cpu.ts';
import { framesDuring, occupancyDrag, untilPainted } from './page.ts';
import { traced } from './trace.ts';

/** A directory: one more drag per zoom is traced into it (SNAPSCOPE_BENCH_TRACE). */
const TRACE_DIR = process.env.SNAPSCOPE_BENCH_TRACE;

type Report = (what: string, values: number[], unit: string, target: string, higherIsBetter?: boolean) => void;

/** Zoom-ins (×2 each) from the whole device, then the narrowest view (`Infinity`: + until the range stops narrowing). */
const ZOOMS = [1, 4, 7, 10, Infinity];

export async function occupancyRows(page: Page, store: string, reps: number, report: Report, sample: () => void): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: /^Occupancy/ }).click();
  const canvas = page.locator('.viz canvas');
  await page.locator('.viz canvas[data-owners="true"]').waitFor({ timeout: 120_000 });
  sample();
  const notches: number[] = [];
  for (let i = 0; i < reps; i++) {
    const before = await canvas.getAttribute('data-range');
    notches.push(await untilPainted(page, { wheel: { target: '.viz canvas', deltaY: i % 2 ? 100 : -100 } }, `.viz canvas:not([data-range="${before}"])`));
  }
  report('occupancy wheel notch (repaint)', notches, 'ms', '≤ 50 ms');

  for (const zoomIns of ZOOMS) {
    await page.getByRole('button', { name: 'Whole device' }).click();
    let z = 0;
    for (; z < zoomIns; z++) {
      const before = await canvas.getAttribute('data-range');
      await page.getByRole('button', { name: 'Zoom in on the map' }).click();
      await page.waitForTimeout(50);
      if ((await canvas.getAttribute('data-range')) === before) break;
    }
    await page.waitForTimeout(500); // the camera rests: detail arrives
    const span = (await canvas.getAttribute('data-range'))!.split('-').map(Number).reduce((a, b) => b - a);
    const idle: number[] = [];
    const paintMs: number[] = [];
    const drags: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < reps; i++) {
      idle.push((await framesDuring(page, () => page.waitForTimeout(2000))).fps);
      const cpu0 = chromiumCpuMs();
      const d = await occupancyDrag(page, 2000);
      cpu.push((chromiumCpuMs() - cpu0) / Math.max(1, d.fps * 2));
      drags.push(d.fps);
      paintMs.push(d.paintMs);
      await page.waitForTimeout(300);
    }
    if (TRACE_DIR) await traced(page, path.join(TRACE_DIR, `occupancy-drag ${store} x${2 ** z}.json`), () => occupancyDrag(page, 2000));
    sample();
    const zoom = zoomIns === Infinity ? `narrowest, ×${2 ** z}` : `×${2 ** z}`;
    report(`occupancy drag, zoom ${zoom}, ${span.toLocaleString('en-US')} chunks in view (repaints/s over 2 s)`, drags, 'fps', '≥ 50 fps', true);
    report(`  reference: the page's frames/s with nothing to do, 2 s before each drag`, idle, 'fps', '', true);
    report(`  of which one repaint (paint time, median frame)`, paintMs, 'ms', '≤ 16 ms');
    report(`  Chromium CPU per repaint (all its processes, whatever the load)`, cpu, 'ms', '');
  }
}
