/// <reference lib="dom" />
/**
 * `npm run bench:ui`: the UI and host at scale, in headless Chromium through `snapscope serve`.
 * Opens a 1M-exception shared store, a 2M-exception persistent COW and a 64-snapshot store
 * (10M of each with SNAPSCOPE_BENCH_10M=1: slow on a loaded 2-core machine), performs each
 * interaction 5 times and prints median and worst, with the date, load average and peak memory
 * of each server. SNAPSCOPE_BENCH_ONLY=shared|persistent|64 runs one kind; SNAPSCOPE_BENCH_ROWS=occupancy
 * only the open and occupancy rows; SNAPSCOPE_BENCH_TRACE=dir writes a Chromium trace of one more drag per zoom. Needs Chromium at /usr/bin/chromium and the built UI (npm run build:ui).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { apiCall } from '../../e2e/api.ts';
import { ARTIFACTS, chromiumMissing, launch } from '../../e2e/browser.ts';
import { occupancyRows } from './occupancy.ts';
import { framesDuring, untilPainted, widenLevel } from './page.ts';
import { serve, type BenchServer } from './server.ts';
import { makeBigPersistent, makeManySnapshots, makeShared } from './stores.ts';

const REPS = 5;
const BIG = process.env.SNAPSCOPE_BENCH_10M === '1';
/** Runs only the stores whose name starts with this ("shared", "persistent", "64"). */
const ONLY = process.env.SNAPSCOPE_BENCH_ONLY ?? '';
/** SNAPSCOPE_BENCH_ROWS=occupancy: each store's open and occupancy rows only. */
const OCCUPANCY_ONLY = process.env.SNAPSCOPE_BENCH_ROWS === 'occupancy';
const rows: string[][] = [];

function report(store: string, what: string, values: number[], unit: string, target: string, higherIsBetter = false): void {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const worst = higherIsBetter ? sorted[0]! : sorted.at(-1)!;
  const fmt = (v: number): string => `${v < 10 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US')} ${unit}`;
  rows.push([store, what, fmt(median), fmt(worst), target]);
  console.log(`${store} | ${what}: median ${fmt(median)}, worst ${fmt(worst)} (target ${target})`);
}

async function times(n: number, one: (i: number) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await one(i));
  return out;
}

async function newPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  // tsx compiles with keepNames: functions sent to page.evaluate call its __name helper.
  await context.addInitScript('window.__name = (f) => f;');
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

async function closeAll(server: BenchServer): Promise<void> {
  for (const s of (await apiCall(server.url, 'sessions', {})).sessions) await apiCall(server.url, 'close', { session: s.session });
}

/** Opens `cow` from the Start view; resolves with ms from the click to the overview's exception count painted. */
async function openInUi(page: Page, cow: string, exceptions: number): Promise<number> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: /^Start/ }).click();
  await page.getByLabel('COW device or image').fill(cow);
  return untilPainted(page, { click: 'form button[type="submit"]' }, `[data-testid="ov-exceptions"][data-value="${exceptions}"]`);
}

async function view(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: new RegExp(`^${label}`) }).click();
}

/** Leaves on one level of the tree the B-tree rows are measured on (all of them when the store has fewer). */
const WIDE_LEVEL = 5000;

/** The first row of every store: open from nothing to the first Overview, REPS times. */
async function openRow(label: string, page: Page, server: BenchServer, store: { cow: string; exceptions: number }, size: number): Promise<void> {
  report(label, 'open → first overview', await times(REPS, async () => {
    await closeAll(server);
    const ms = await openInUi(page, store.cow, store.exceptions);
    server.sample();
    return ms;
  }), 'ms', size > 2e6 ? '≤ 3 s' : '≤ 1 s');
}

/** A second client's info while the first runs a check of the whole store (up to 20 calls, 50 ms apart). */
async function infoDuringCheck(label: string, server: BenchServer, session: string): Promise<void> {
  const job = await apiCall(server.url, 'check', { session });
  const infos: number[] = [];
  for (let i = 0; i < 20; i++) {
    const state = (await apiCall(server.url, 'jobs', {})).jobs.find((j) => j.id === job.id)?.state;
    if (state !== 'running') break;
    const t = performance.now();
    await apiCall(server.url, 'info', { session });
    infos.push(performance.now() - t);
    server.sample();
    await new Promise((r) => setTimeout(r, 50));
  }
  if (infos.length) report(label, `second client's info during a check (${infos.length} calls)`, infos, 'ms', '≤ 100 ms');
  else rows.push([label, "second client's info during a check", 'check ended before the first call', '', '≤ 100 ms']);
  await apiCall(server.url, 'jobWait', { job: job.id }).catch(() => undefined);
  server.sample();
}

async function sharedBench(browser: Browser, dir: string, size: number): Promise<void> {
  const label = `shared ${size / 1e6}M`;
  const store = makeShared(dir, size);
  const server = await serve([], dir);
  try {
    const page = await newPage(browser, server.url);
    await openRow(label, page, server, store, size);

    await occupancyRows(page, label, REPS, (...row) => report(label, ...row), () => server.sample());
    if (OCCUPANCY_ONLY) return;

    // B-tree: open the first level-2 node and show all its leaves, then Fit and pan.
    await view(page, 'B-tree');
    const tree = page.getByRole('tree', { name: 'B-tree of exceptions' });
    await tree.locator('[role="treeitem"][aria-level="2"]').first().waitFor();
    await page.waitForTimeout(1000); // the first fit's glide
    await tree.locator('[data-kind="node"][aria-level="2"][aria-expanded="false"]').first().dispatchEvent('click');
    await tree.locator('[data-kind="more"][aria-level="3"]').first().waitFor({ timeout: 60_000 });
    await page.waitForTimeout(800); // the children's motion
    await tree.locator('[data-kind="more"][aria-level="3"]').first().dispatchEvent('click');
    await page.waitForFunction(() => Number(document.querySelector('svg.tree-svg')?.getAttribute('data-blocks')) > 200, undefined, { timeout: 120_000 });
    const leaves = await widenLevel(page, WIDE_LEVEL);
    server.sample();
    report(label, `B-tree Fit, widest level ${leaves.toLocaleString('en-US')} boxes (click → whole tree in view)`, await times(REPS, async () => {
      await page.getByRole('button', { name: 'Zoom in' }).click();
      await page.waitForTimeout(300);
      return untilPainted(page, { click: '.card button[aria-keyshortcuts="0"]' }, 'svg.tree-svg[data-fits="true"]');
    }), 'ms', '≤ 200 ms');
    const box = (await tree.boundingBox())!;
    report(label, 'B-tree pan (frames/s while dragging 1.5 s)', await times(REPS, async () => {
      const f = await framesDuring(page, async () => {
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.down();
        for (let s = 0; s < 90; s++) await page.mouse.move(box.x + box.width / 2 + Math.sin(s / 8) * 200, box.y + box.height / 2);
        await page.mouse.up();
      });
      return f.fps;
    }), 'fps', '≥ 50 fps', true);
    await page.context().close();

    // API writes on the open store (a second client over HTTP), while the UI session stays open.
    await closeAll(server);
    const s = await apiCall(server.url, 'open', { cow: store.cow, origin: store.origin, write: true });
    let chunk = store.dataOrigins; // origin chunks no snapshot has a copy of yet
    report(label, 'API writeChunk (origin write adding an exception, HTTP round trip)', await times(REPS * 4, async () => {
      const t = performance.now();
      await apiCall(server.url, 'writeChunk', { session: s.session, to: 'origin', chunk: chunk++, fill: 7 });
      return performance.now() - t;
    }), 'ms', '≤ 20 ms');

    await infoDuringCheck(label, server, s.session);
    rows.push([label, 'server peak RSS', `${Math.round(server.peakRss / 2 ** 20)} MiB`, '', '≤ 1 GiB']);
  } finally {
    await server.stop();
  }
}

/**
 * The persistent rows, with a reference server beside the measured one: the same `serve` with its
 * engine threads run from the sources through tsx (SNAPSCOPE_ENGINE_WORKER=''), as before the
 * launcher bundled them. The open and the cold sort are measured on both, interleaved.
 */
async function persistentBench(browser: Browser, dir: string, size: number): Promise<void> {
  const label = `persistent ${size / 1e6}M`;
  const store = makeBigPersistent(dir, size);
  const server = await serve([], dir);
  const reference = OCCUPANCY_ONLY ? null : await serve([], dir, { SNAPSCOPE_ENGINE_WORKER: '' });
  try {
    const sides = reference
      ? [
          { server, what: '', opens: [] as number[], sorts: [] as number[] },
          { server: reference, what: ' [reference: engine from the sources via tsx]', opens: [] as number[], sorts: [] as number[] },
        ]
      : [];
    // Each round opens the store afresh on a fresh page (no sort kept), so every sort is cold.
    for (let i = 0; i < (reference ? REPS : 0); i++) {
      for (const side of sides) {
        await closeAll(side.server);
        const page = await newPage(browser, side.server.url);
        side.opens.push(await openInUi(page, store.cow, store.exceptions));
        await view(page, 'Exception table');
        await page.locator('[role="table"] [data-row="0"] [role="cell"]').first().waitFor({ timeout: 120_000 });
        // Row 1 (row 0 copies origin 0 in either order): origin 1 once sorted.
        side.sorts.push(await untilPainted(page, { click: '[role="columnheader"]:nth-child(3) button' }, '[data-row="1"] [role="cell"]:nth-child(3)', '1'));
        side.server.sample();
        await page.context().close();
      }
    }
    for (const side of sides) report(label, `open → first overview${side.what}`, side.opens, 'ms', size > 2e6 ? '≤ 3 s' : '≤ 1 s');
    for (const side of sides) report(label, `table: first sort by origin (cold), first row shown${side.what}`, side.sorts, 'ms', '≤ 1.5 s');

    const page = await newPage(browser, server.url);
    await closeAll(server);
    await openInUi(page, store.cow, store.exceptions);
    await occupancyRows(page, label, REPS, (...row) => report(label, ...row), () => server.sample());
    if (OCCUPANCY_ONLY) return;
    await view(page, 'Exception table');
    await page.locator('[role="table"] [data-row="0"] [role="cell"]').first().waitFor({ timeout: 120_000 });
    const last = (size - 1).toLocaleString('en-US');
    report(label, 'table: End → last row shown', await times(REPS, async () => {
      const ms = await untilPainted(page, { key: { target: '[role="table"]', key: 'End' } }, `[data-row="${size - 1}"] [role="cell"]`, last);
      await untilPainted(page, { key: { target: '[role="table"]', key: 'Home' } }, '[data-row="0"] [role="cell"]', '0');
      return ms;
    }), 'ms', '≤ 200 ms');
    // Sorted by origin: End shows the largest origin; then the order reversed and back (warm: the order is kept).
    await untilPainted(page, { click: '[role="columnheader"]:nth-child(3) button' }, '[data-row="1"] [role="cell"]:nth-child(3)', '1');
    report(label, 'table sorted by origin: End → last row shown', await times(REPS, async () => {
      const ms = await untilPainted(page, { key: { target: '[role="table"]', key: 'End' } }, `[data-row="${size - 1}"] [role="cell"]:nth-child(3)`, last);
      await untilPainted(page, { key: { target: '[role="table"]', key: 'Home' } }, '[data-row="0"] [role="cell"]:nth-child(3)', '0');
      return ms;
    }), 'ms', '≤ 200 ms');
    report(label, 'table: sort by origin reversed or back (warm), first row shown', await times(REPS, async (i) => {
      return untilPainted(page, { click: '[role="columnheader"]:nth-child(3) button' }, '[data-row="1"] [role="cell"]:nth-child(3)', i % 2 === 0 ? (size - 2).toLocaleString('en-US') : '1');
    }), 'ms', '≤ 1.5 s');
    server.sample();
    await page.context().close();
    await closeAll(server);
    await infoDuringCheck(label, server, (await apiCall(server.url, 'open', { cow: store.cow })).session);
    rows.push([label, 'server peak RSS', `${Math.round(server.peakRss / 2 ** 20)} MiB`, '', '≤ 1 GiB']);
    rows.push([label, 'server peak RSS [reference]', `${Math.round(reference!.peakRss / 2 ** 20)} MiB`, '', '']);
  } finally {
    await server.stop();
    await reference?.stop();
  }
}

async function manyBench(browser: Browser, dir: string): Promise<void> {
  const label = '64 snapshots';
  const store = makeManySnapshots(dir);
  const server = await serve([], dir);
  try {
    const page = await newPage(browser, server.url);
    await openInUi(page, store.cow, store.exceptions);
    await view(page, 'Leaf inspector');
    report(label, 'leaf sharemap shown (origin → leaf → 64 columns)', await times(REPS, async (i) => {
      const origin = 600 + i * 480;
      await page.getByLabel('Origin chunk to inspect').fill(String(origin));
      return untilPainted(page, { click: 'form button[type="submit"]' }, `canvas td[data-origin="${origin}"]`);
    }), 'ms', 'readable at 1440×900');
    await page.getByLabel('Origin chunk to inspect').fill('1200');
    await page.getByRole('button', { name: 'Show its leaf' }).click();
    await page.locator('canvas td[data-origin="1200"]').first().waitFor({ state: 'attached' });
    await page.waitForTimeout(300);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'bench-sharemap-64.png') });
    await page.context().close();
  } finally {
    await server.stop();
  }
}

const missing = chromiumMissing();
if (missing) {
  console.log(`bench:ui skipped: ${missing}`);
} else {
  const started = new Date();
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-bench-ui-'));
  const browser = await launch();
  try {
    for (const [name, run] of [
      ['shared 1M', () => sharedBench(browser, dir, 1_000_000)],
      ['persistent 2M', () => persistentBench(browser, dir, 2_000_000)],
      ['64 snapshots', () => manyBench(browser, dir)],
      ...(BIG ? ([['shared 10M', () => sharedBench(browser, dir, 10_000_000)], ['persistent 10M', () => persistentBench(browser, dir, 10_000_000)]] as const) : []),
    ] as const) {
      if (!name.startsWith(ONLY)) continue;
      try {
        await run();
      } catch (e) {
        rows.push([name, 'FAILED', String((e as Error).message).split('\n')[0]!.slice(0, 120), '', '']);
        console.log(`${name} failed:`, e);
      }
    }
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nbench:ui ${started.toISOString().slice(0, 16)}Z, load average at start ${load} (${os.cpus().length} cores), ${REPS} runs each${BIG ? '' : '; 10M sizes: SNAPSCOPE_BENCH_10M=1'}\n`);
  console.log('| store | interaction | median | worst | target |\n|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log(`\nload average at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}
