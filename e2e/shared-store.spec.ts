import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoreInfo } from '../src-core/api/contract.ts';
import { copyStore, openServed, tempDir, type Session } from './app.ts';
import { chromiumMissing, launch } from './browser.ts';
import { gridFor } from '../src-renderer/viz/occupancy-painter.ts';
import { cliJson, makeDemoStore } from './demo-store.ts';

interface TreeJson {
  root: number;
  levels: number;
  tree: TreeBlockJson;
}
type TreeBlockJson =
  | { kind: 'node'; chunk: number; entries: { key: number | null; child: TreeBlockJson }[] }
  | { kind: 'leaf'; chunk: number; origins: { origin: number; exceptions: { chunk: number; slots: number[] }[] }[] };

function leaves(b: TreeBlockJson): Extract<TreeBlockJson, { kind: 'leaf' }>[] {
  return b.kind === 'leaf' ? [b] : b.entries.flatMap((e) => leaves(e.child));
}

function parseRange(text: string | null): { start: number; span: number } | null {
  const m = /chunks ([\d,]+)–([\d,]+) of/.exec(text ?? '');
  if (!m) return null;
  const start = Number(m[1]!.replace(/,/g, ''));
  return { start, span: Number(m[2]!.replace(/,/g, '')) - start + 1 };
}

const missing = chromiumMissing();

(missing ? describe.skip : describe)(missing ? `shared store e2e skipped: ${missing}` : 'shared store in Chromium against snapscope serve', () => {
  let browser: Browser;
  let demo: { cow: string; origin: string };
  let app: Session | null = null;

  beforeAll(async () => {
    demo = makeDemoStore(tempDir('demo'));
    browser = await launch();
  });
  afterAll(async () => browser?.close());
  afterEach(async () => {
    if (!app) return;
    expect(app.errors, 'browser console errors').toEqual([]);
    await app.close();
    app = null;
  });

  async function start(): Promise<{ app: Session; cow: string }> {
    const dir = tempDir('shared');
    const store = copyStore(demo, dir);
    app = await openServed(browser, store, dir);
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

  it('finds an origin chunk in the B-tree, opens its leaf, and the sharemap matches `snapscope tree --json`', async () => {
    const { app, cow } = await start();
    const tree = cliJson<TreeJson>('tree', cow);
    const all = leaves(tree.tree);
    const target = all[Math.floor(all.length / 2)]!;
    const origin = target.origins[Math.floor(target.origins.length / 2)]!.origin;

    await app.view('B-tree');
    await app.page.keyboard.press('/');
    await app.page.keyboard.type(String(origin));
    await app.page.keyboard.press('Enter');
    await expect.poll(() => app.page.getByTestId('search-path').textContent()).toContain(String(target.chunk));
    await app.page.locator(`.tree-node.path[data-chunk="${target.chunk}"]`).waitFor();
    expect(await app.page.locator('.tree-node.path').count()).toBe(tree.levels + 1);
    await app.page.waitForTimeout(600); // the camera glides to the path
    await app.shot('02-btree-search');

    await app.page.getByRole('button', { name: `Open leaf ${target.chunk}` }).click();
    await app.page.getByRole('heading', { name: `Leaf inspector · leaf ${target.chunk}` }).waitFor();
    const info = cliJson<StoreInfo>('info', cow);
    for (const entry of target.origins) {
      for (const s of info.snapshots) {
        const expected = entry.exceptions.find((x) => x.slots.includes(s.slot))?.chunk ?? -1;
        const cell = app.page.locator(`canvas td[data-origin="${entry.origin}"][data-slot="${s.slot}"]`);
        expect(await cell.getAttribute('data-chunk'), `origin ${entry.origin} slot ${s.slot}`).toBe(String(expected));
      }
    }
    // Hover a shared cell: the tooltip names the copy and who shares it.
    await app.page.getByRole('button', { name: info.snapshots[0]!.name }).click();
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
    const treeBefore = cliJson<TreeJson>('tree', cow);
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

    const treeAfter = cliJson<TreeJson>('tree', cow);
    expect(treeAfter.root).not.toBe(treeBefore.root);
    await app.view('B-tree');
    await expect.poll(() => app.page.getByRole('heading', { name: /^Root / }).textContent()).toContain(`Root ${treeAfter.root}`);
    await app.page.waitForTimeout(600);
    await app.shot('06-btree-after-delete');
  });

  it('shows the occupancy map; a click on an exception chunk opens its leaf', async () => {
    const { app, cow } = await start();
    const tree = cliJson<TreeJson>('tree', cow);
    const leaf = leaves(tree.tree)[1]!;
    const chunk = leaf.origins[0]!.exceptions[0]!.chunk;
    await app.view('Occupancy');
    await app.page.getByTestId('occupancy-range').waitFor();
    await app.shot('07-occupancy');

    await app.page.getByLabel('Go to COW chunk').fill(String(chunk));
    await app.page.getByRole('button', { name: 'Go to chunk' }).click();
    await expect.poll(async () => parseRange(await app.page.getByTestId('occupancy-range').textContent())?.span).toBe(64);
    const range = parseRange(await app.page.getByTestId('occupancy-range').textContent())!;
    // Where the painter put the chunk: the same pure grid function the view uses.
    const canvas = app.page.locator('.viz canvas');
    const box = (await canvas.boundingBox())!;
    const grid = gridFor(box.width, box.height, range.span);
    const index = chunk - range.start;
    const position = { x: (index % grid.cols) * grid.cell + grid.cell / 2, y: Math.floor(index / grid.cols) * grid.cell + grid.cell / 2 };
    await canvas.hover({ position });
    await expect.poll(() => app.page.getByRole('tooltip').textContent()).toContain(`chunk ${chunk.toLocaleString('en-US')}: exception data`);
    await app.shot('08-occupancy-zoomed');
    await canvas.click({ position });
    await app.page.getByRole('heading', { name: `Leaf inspector · leaf ${leaf.chunk}` }).waitFor();
  });
});

