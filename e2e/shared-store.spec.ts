import { beforeAll, describe, expect, it } from 'vitest';
import type { StoreInfo } from '../src-core/api/contract.ts';
import { apiCall } from './api.ts';
import { browserHarness, copyStore, openServed, tempDir, type Session } from './app.ts';
import { chromiumMissing } from './browser.ts';
import { cliJson, makeDemoStore } from './demo-store.ts';
import { dumpJson, readsFrom, slotsOfMask } from './dump.ts';
import { bucketsFor, cellCentre, cellPixel, gridFor } from '../src-renderer/viz/occupancy-painter.ts';

function parseRange(text: string | null): { start: number; span: number } | null {
  const m = /chunks ([\d,]+)–([\d,]+) of/.exec(text ?? '');
  if (!m) return null;
  const start = Number(m[1]!.replace(/,/g, ''));
  return { start, span: Number(m[2]!.replace(/,/g, '')) - start + 1 };
}

const missing = chromiumMissing();

(missing ? describe.skip : describe)(missing ? `shared store e2e skipped: ${missing}` : 'shared store in Chromium against snapscope serve', () => {
  const harness = browserHarness();
  let demo: { cow: string; origin: string };
  beforeAll(() => {
    demo = makeDemoStore(tempDir('demo'));
  });

  async function start(): Promise<{ app: Session; cow: string }> {
    const dir = tempDir('shared');
    const store = copyStore(demo, dir);
    const app = await harness.open((browser) => openServed(browser, store, dir));
    return { app, cow: store.cow };
  }

  it('opens the demo store and shows the numbers of `snapscope info --json`', async () => {
    const { app, cow } = await start();
    const info = cliJson<StoreInfo>('info', cow);
    const value = (id: string) => app.page.getByTestId(id).getAttribute('data-value');
    expect(await value('ov-format')).toBe(info.format);
    expect(Number(await value('ov-chunk-bytes'))).toBe(info.chunkBytes);
    expect(Number(await value('ov-device-bytes'))).toBe(info.deviceBytes);
    expect(await value('ov-valid')).toBe(String(info.valid));
    expect(Number(await value('ov-exceptions'))).toBe(info.exceptions);
    expect(Number(await value('ov-allocated'))).toBe(info.usage.allocatedChunks);
    expect(Number(await value('ov-free'))).toBe(info.usage.freeChunks);
    expect(Number(await value('ov-tree-levels'))).toBe(info.tree?.levels);
    expect(Number(await value('ov-tree-leaves'))).toBe(info.tree?.leaves);
    const rows = app.page.getByRole('table', { name: 'Snapshots' }).locator('tbody tr');
    expect(await rows.count()).toBe(info.snapshots.length);
    for (const s of info.snapshots) await expect.poll(() => rows.filter({ hasText: s.name }).count()).toBe(1);
    await app.shot('01-overview');
    // The theme follows the system: the same view in dark mode.
    await app.page.emulateMedia({ colorScheme: 'dark' });
    await app.shot('01-overview-dark');
  });

  it('finds an origin chunk in the B-tree, opens its leaf, and the sharemap matches `snapscope dump`', async () => {
    const { app, cow } = await start();
    const info = cliJson<StoreInfo>('info', cow);
    const dump = dumpJson(cow);
    const origins = [...new Set(dump.exceptions.map(([o]) => o))];
    const origin = origins[Math.floor(origins.length / 2)]!;

    await app.view('B-tree');
    await app.page.keyboard.press('/');
    await app.page.keyboard.type(String(origin));
    await app.page.keyboard.press('Enter');
    const path = app.page.getByTestId('search-path');
    await expect.poll(async () => (await path.textContent())?.split(' → ').length).toBe((info.tree?.levels ?? 0) + 1);
    const leaf = Number((await path.textContent())!.split(' → ').at(-1));
    await app.page.locator(`.tree-node.path[data-chunk="${leaf}"]`).waitFor();
    expect(await app.page.locator('.tree-node.path').count()).toBe((info.tree?.levels ?? 0) + 1);
    await app.page.waitForTimeout(700); // the camera glides to the path
    await app.shot('02-btree-search');

    await app.page.getByRole('button', { name: `Open leaf ${leaf}` }).click();
    await app.page.getByRole('heading', { name: `Leaf inspector · leaf ${leaf}` }).waitFor();
    // Every cell: the copy each snapshot reads for each origin chunk of the leaf, as the dump says.
    const cells = app.page.locator('canvas td[data-origin]');
    await expect.poll(() => cells.count()).toBeGreaterThan(0);
    const shown = await cells.evaluateAll((tds) => tds.map((td) => [Number(td.getAttribute('data-origin')), Number(td.getAttribute('data-slot')), Number(td.getAttribute('data-chunk'))]));
    const leafOrigins = new Set(shown.map(([o]) => o!));
    expect(leafOrigins.has(origin)).toBe(true);
    expect(shown.length).toBe(leafOrigins.size * info.snapshots.length);
    for (const [o, slot, chunk] of shown) expect(chunk, `origin ${o} slot ${slot}`).toBe(readsFrom(dump, o!, slot!));
    // ...and no exception of the dump for these origin chunks is missing from the leaf's map.
    const inLeaf = await app.page.locator('[data-cow]').evaluateAll((els) => els.map((e) => `${e.closest('tr')?.getAttribute('data-origin')}:${e.getAttribute('data-cow')}:${e.getAttribute('data-slots')}`));
    const expected = dump.exceptions.filter(([o]) => leafOrigins.has(o)).map(([o, c, mask]) => `${o}:${c}:${slotsOfMask(mask).join(',')}`);
    expect(new Set(inLeaf)).toEqual(new Set(expected));

    // Hover a shared cell: the tooltip names the copy and who shares it.
    await app.page.getByRole('button', { name: info.snapshots[0]!.name, exact: true }).click(); // the legend's (a column head is "snapshot <name>")
    await app.page.locator('canvas[role="img"]').hover({ position: { x: 90, y: 36 } });
    await app.page.getByRole('tooltip').waitFor();
    await app.shot('03-leaf-sharemap');
  });

  it('creates and deletes a snapshot: the snapshot table and the tree follow', async () => {
    const { app, cow } = await start();
    const before = cliJson<StoreInfo>('info', cow);
    await app.page.getByRole('button', { name: 'Create snapshot' }).click();
    const create = app.page.getByRole('dialog', { name: 'Create a snapshot' });
    await create.getByLabel('Name').fill('e2e-snap');
    await create.getByRole('button', { name: 'Create' }).click();
    const rows = app.page.getByRole('table', { name: 'Snapshots' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(before.snapshots.length + 1);
    expect(cliJson<StoreInfo>('info', cow).snapshots.map((s) => s.name)).toContain('e2e-snap');

    // Delete the snapshot with the most unique chunks: the dialog names what is lost, the tree shrinks.
    const victim = [...before.snapshots].sort((a, b) => b.unique - a.unique)[0]!;
    const rootBefore = cliJson<StoreInfo>('info', cow).header['root_tree_chunk'];
    await app.page.getByRole('button', { name: `Delete snapshot ${victim.name}` }).click();
    const dialog = app.page.getByRole('dialog', { name: `Delete snapshot '${victim.name}'?` });
    expect(await dialog.textContent()).toContain(`${victim.unique} chunks only it reads`);
    await app.shot('04-delete-confirm');
    await dialog.getByRole('button', { name: 'Delete snapshot' }).click();
    await expect.poll(() => rows.filter({ hasText: victim.name }).count()).toBe(0);
    const after = cliJson<StoreInfo>('info', cow);
    expect(after.exceptions).toBeLessThan(before.exceptions);
    await expect.poll(() => app.page.getByTestId('ov-exceptions').getAttribute('data-value')).toBe(String(after.exceptions));
    await app.shot('05-after-delete');

    expect(after.header['root_tree_chunk']).not.toBe(rootBefore);
    await app.view('B-tree');
    await expect.poll(() => app.page.getByRole('heading', { name: /^Root / }).textContent()).toContain(`Root ${after.header['root_tree_chunk']}`);
    await app.page.waitForTimeout(800);
    await app.shot('06-btree-after-delete');
  });

  it('shows the occupancy map by snapshot; hover tells a chunk, a click on an exception chunk opens its leaf', async () => {
    const { app, cow } = await start();
    const dump = dumpJson(cow);
    const [origin, chunk, mask] = dump.exceptions[Math.floor(dump.exceptions.length / 3)]!;
    const readers = slotsOfMask(mask).map((s) => dump.snapshots.find((x) => x.slot === s)!.name);
    await app.view('Occupancy');
    const canvas = app.page.locator('.viz canvas');
    await app.page.locator('.viz canvas[data-owners="true"]').waitFor();
    await app.shot('07-occupancy');
    // The map follows the theme: free cells repaint in the dark palette.
    const whole = (await canvas.boundingBox())!;
    const chunks = Number((await canvas.getAttribute('data-range'))!.split('-')[1]);
    const wholeGrid = gridFor(whole.width, whole.height, chunks);
    const end = cellPixel(wholeGrid, bucketsFor(wholeGrid, chunks) - 1); // the device's free tail (one canvas pixel per cell)
    const lastCell = () => canvas.evaluate((c: HTMLCanvasElement, p) => [...c.getContext('2d')!.getImageData(p.x, p.y, 1, 1).data].join(), end);
    const light = await lastCell();
    await app.page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(lastCell).not.toBe(light);
    await app.shot('07-occupancy-dark');
    await app.page.emulateMedia({ colorScheme: 'light' });

    await app.page.getByLabel('Go to COW chunk').fill(String(chunk));
    await app.page.getByRole('button', { name: 'Go to chunk' }).click();
    await expect.poll(async () => parseRange(await app.page.getByTestId('occupancy-range').textContent())?.span).toBeLessThan(chunks);
    const range = parseRange(await app.page.getByTestId('occupancy-range').textContent())!;
    await app.page.locator(`.viz canvas[data-range="${range.start}-${range.start + range.span}"][data-owners="true"]`).waitFor();
    // Where the painter put the chunk: the same pure grid function the view uses.
    const box = (await canvas.boundingBox())!;
    const position = cellCentre(gridFor(box.width, box.height, range.span), chunk - range.start);
    await canvas.hover({ position });
    const tip = app.page.getByRole('tooltip');
    await expect.poll(() => tip.textContent()).toContain(`copy of origin chunk ${origin.toLocaleString('en-US')}`);
    const text = (await tip.textContent())!;
    expect(text).toContain(`chunk ${chunk.toLocaleString('en-US')}: ${readers.length > 1 ? 'shared by several snapshots' : `only ${readers[0]}`}`);
    expect(text).toContain(`read by ${readers.join(', ')}`);
    const leaf = Number(/in leaf (\d+)/.exec(text)?.[1]);
    await app.shot('08-occupancy-zoomed');

    await canvas.click({ position });
    await app.page.getByRole('heading', { name: `Leaf inspector · leaf ${leaf}` }).waitFor();
    const marked = app.page.locator('tr[aria-current="true"]');
    expect(await marked.getAttribute('data-origin')).toBe(String(origin));
    expect(await marked.locator(`[data-cow="${chunk}"]`).getAttribute('data-slots')).toBe(slotsOfMask(mask).join(','));
  });

  it('animates structural events: writes from another client split a leaf, and the new leaf slides out of it', async () => {
    const { app } = await start();
    const origin = 1600; // past the demo's data: each write adds an exception to the last leaf
    await app.view('B-tree');
    await app.page.getByLabel('Origin chunk', { exact: true }).fill(String(origin));
    await app.page.getByRole('button', { name: 'Find' }).click();
    await app.page.getByTestId('search-path').waitFor();
    await app.page.waitForTimeout(700);
    const session = (await apiCall(app.served.url, 'sessions', {})).sessions[0]!.session;
    const changes = app.page.getByRole('region', { name: 'Structural changes' }).locator('li');
    let c = origin;
    while ((await changes.filter({ hasText: 'was full and split' }).count()) === 0 && c < origin + 400) {
      await apiCall(app.served.url, 'writeChunk', { session, to: 'origin', chunk: c++, fill: 5 });
    }
    const text = await changes.filter({ hasText: 'was full and split' }).first().textContent();
    const newLeaf = /half moved to leaf (\d+)/.exec(text ?? '')?.[1];
    expect(newLeaf, `a split within ${c - origin} writes`).toBeDefined();
    const box = app.page.locator(`.tree-node[data-chunk="${newLeaf}"]`);
    await box.waitFor();
    await app.page.waitForTimeout(120);
    await app.shot('09-btree-split-animating');
    await expect.poll(async () => Number(await box.getAttribute('opacity'))).toBe(1);
    expect(await app.page.locator('.tree-node.flash').count()).toBeGreaterThan(0);
    await app.shot('09-btree-split-done');
  });
});
