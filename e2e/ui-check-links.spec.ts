import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PersistentStore } from '../src-core/persistent/index.ts';
import { SharedStore } from '../src-core/shared/index.ts';
import { FileDevice } from '../src-main/host/file-device.ts';
import { apiCall } from './api.ts';
import { browserHarness, openServer, tempDir } from './app.ts';
import { chromiumMissing } from './browser.ts';
import { cliJson, makeDemoStore, ROOT } from './demo-store.ts';
import { writePersistentPair } from './metadata-store.ts';

const missing = chromiumMissing();

/** Clears the bitmap bit of one exception's data chunk (check: s-bitmap-free; the store still opens); returns that chunk. */
function freeOneDataChunk(cow: string): number {
  const dev = FileDevice.open(cow);
  let chunk = -1;
  let chunkBytes = 0;
  try {
    const store = SharedStore.open(dev);
    chunkBytes = store.chunkBytes;
    const chunks: number[] = [];
    store.forEachException((_origin, c) => void chunks.push(c));
    chunk = chunks.sort((a, b) => a - b)[Math.floor(chunks.length / 2)]!;
  } finally {
    dev.close();
  }
  const fd = fs.openSync(cow, 'r+');
  try {
    const at = chunkBytes + (chunk >> 3); // the bitmap starts at chunk 1
    const byte = Buffer.alloc(1);
    fs.readSync(fd, byte, 0, 1, at);
    byte[0] = byte[0]! & ~(1 << (chunk & 7));
    fs.writeSync(fd, byte, 0, 1, at);
  } finally {
    fs.closeSync(fd);
  }
  return chunk;
}

/** A persistent COW of `n` exceptions whose entry `dup` reuses entry `of`'s data chunk (check: p-chunk-duplicate; it opens read-only, damaged). */
function persistentWithDuplicate(dir: string, n: number, dup: number, of: number): { cow: string; origin: string } {
  const { cow, origin } = writePersistentPair(dir, 2 << 20, 0x33);
  const dev = FileDevice.open(cow, { write: true });
  const originDev = FileDevice.open(origin, { write: true });
  try {
    const store = PersistentStore.open(dev, { write: true });
    for (let c = 0; c < n; c++) store.writeOrigin(originDev, 2 * c, new Uint8Array(4096).fill(c & 255));
    store.commit();
  } finally {
    originDev.close();
    dev.close();
  }
  const fd = fs.openSync(cow, 'r+');
  try {
    const entry = (i: number): number => 4096 + i * 16; // area 0 is chunk 1
    const chunk = Buffer.alloc(8);
    fs.readSync(fd, chunk, 0, 8, entry(of) + 8);
    fs.writeSync(fd, chunk, 0, 8, entry(dup) + 8);
  } finally {
    fs.closeSync(fd);
  }
  return { cow, origin };
}

// Issue 15, problem 9: a check finding's link opened the right view but did not show the chunk there.
(missing ? describe.skip : describe)(missing ? `check-link e2e skipped: ${missing}` : 'check findings link to the chunk, shown and marked', () => {
  const harness = browserHarness();

  it('"in the B-tree" searches to the leaf mapping the chunk and centres it; "on the map" puts the Occupancy camera on the chunk, marked', async () => {
    const dir = tempDir('check-links');
    const store = makeDemoStore(dir);
    const chunk = freeOneDataChunk(store.cow);
    // check exits 1 when it finds errors; its report is on stdout all the same.
    const cliCheck = JSON.parse(spawnSync(process.execPath, [path.join(ROOT, 'bin', 'snapscope.mjs'), 'check', store.cow, '--json'], { encoding: 'utf8' }).stdout) as { findings: { kind: string; chunk?: number }[] };
    expect(cliCheck.findings.filter((f) => f.kind === 's-bitmap-free').map((f) => f.chunk)).toEqual([chunk]);

    // Read-only: a damaged store is not opened for writing.
    const app = await harness.open((browser) => openServer(browser, [store.cow, '--origin', store.origin], dir));
    const { page } = app;
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const session = (await apiCall(app.served.url, 'sessions', {})).sessions[0]!.session;
    const leaf = (await apiCall(app.served.url, 'chunkInfo', { session, chunk })).exception!.leaf!;
    await app.view('Tools');
    await page.getByRole('button', { name: 'Run check' }).click();
    const finding = page.locator('details[data-kind="s-bitmap-free"] li');
    await finding.first().waitFor({ timeout: 30_000 });

    await finding.getByRole('button', { name: `chunk ${chunk} in the B-tree` }).click();
    await page.getByRole('heading', { name: 'B-tree', exact: false }).first().waitFor();
    const box = page.locator(`.tree-node[data-chunk="${leaf}"]`);
    await expect.poll(() => box.getAttribute('class'), { timeout: 10_000 }).toMatch(/\bpath\b.*\bfocused\b|\bfocused\b.*\bpath\b/);
    // Centred: the leaf's box is inside the drawing, not off-screen.
    const svg = await page.locator('svg.tree-svg').boundingBox();
    const at = await box.boundingBox();
    expect(svg && at && at.x >= svg.x && at.x + at.width <= svg.x + svg.width).toBe(true);
    await app.shot('15-9-check-link-btree');

    await app.view('Tools');
    await finding.getByRole('button', { name: `chunk ${chunk} on the map` }).click();
    await page.getByRole('heading', { name: 'Occupancy' }).waitFor();
    const canvas = page.locator('canvas[data-marked]').first();
    await expect.poll(() => canvas.getAttribute('data-marked'), { timeout: 10_000 }).toBe(String(chunk));
    const [start, end] = (await canvas.getAttribute('data-range'))!.split('-').map(Number) as [number, number];
    const total = cliJson<{ chunkCount: number }>('info', store.cow).chunkCount;
    expect(start).toBeLessThanOrEqual(chunk);
    expect(end).toBeGreaterThan(chunk);
    expect(end - start).toBeLessThan(total); // zoomed in on it
    await app.shot('15-9-check-link-occupancy');
  });

  it('"in the table" shows the exception table in on-disk order, scrolled to the entry and marked', async () => {
    const dir = tempDir('check-links-table');
    const store = persistentWithDuplicate(dir, 200, 180, 7);
    const app = await harness.open((browser) => openServer(browser, [store.cow, '--origin', store.origin], dir));
    const { page } = app;
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await app.view('Tools');
    await page.getByRole('button', { name: 'Run check' }).click();
    const finding = page.locator('details[data-kind="p-chunk-duplicate"] li');
    await finding.first().waitFor({ timeout: 30_000 });
    await finding.getByRole('button', { name: 'entry 180 in the table' }).click();
    await page.getByRole('heading', { name: 'Exception table' }).waitFor();
    const table = page.getByRole('table', { name: 'Exception table' });
    const row = table.locator('[data-row="180"]');
    await expect.poll(() => row.getAttribute('class'), { timeout: 10_000 }).toContain('marked');
    // Scrolled to it: the row is inside the table's box, with its entry number.
    const box = await table.boundingBox();
    const at = await row.boundingBox();
    expect(box && at && at.y >= box.y && at.y + at.height <= box.y + box.height).toBe(true);
    expect(await row.locator('[role="cell"]').first().textContent()).toBe('180');
    await app.shot('15-9-check-link-table');
  });
});
