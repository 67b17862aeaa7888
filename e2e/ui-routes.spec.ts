import { describe, expect, it } from 'vitest';
import { browserHarness, openServed, tempDir } from './app.ts';
import { chromiumMissing } from './browser.ts';
import { cliJson, makeDemoStore } from './demo-store.ts';
import { hasFixture, kernelStore } from './ui-truth.ts';

type TreeJson = { kind: 'node' | 'leaf'; chunk: number; entries?: { child: TreeJson }[]; origins?: { origin: number }[] };

const missing = chromiumMissing() ?? (hasFixture('p-basic-c8') ? null : 'no kernel fixture p-basic-c8');

// Issue 15, problems 5 and 6: routes a format lacks (#/btree "Loading tree…" forever), and "Show its leaf" on a fresh page.
(missing ? describe.skip : describe)(missing ? `routes e2e skipped: ${missing}` : 'views that fit the store, and a leaf inspector that stands alone', () => {
  const harness = browserHarness();

  it('#/btree and #/leaf on a persistent store go to the Overview; #/persistent on a shared store too', async () => {
    const dir = tempDir('routes-p');
    const store = kernelStore('p-basic-c8', dir);
    const app = await harness.open((browser) => openServed(browser, store, dir));
    const { page } = app;
    for (const route of ['btree', 'leaf']) {
      await page.goto(`${app.served.url.split('#')[0]}#/${route}`);
      await page.getByRole('heading', { name: 'Overview' }).waitFor({ timeout: 10_000 });
      expect(page.url()).toContain('#/overview');
      expect(await page.getByText('Loading tree').count()).toBe(0);
    }
    const nav = page.getByRole('navigation', { name: 'Views' });
    expect(await nav.getByRole('button', { name: /^B-tree/ }).isDisabled()).toBe(true);
    await app.shot('15-5-btree-route-on-persistent');
  });

  it('#/persistent on a shared store goes to the Overview without an error', async () => {
    const dir = tempDir('routes-s');
    const store = makeDemoStore(dir);
    const app = await harness.open((browser) => openServed(browser, store, dir));
    const { page } = app;
    await page.goto(`${app.served.url.split('#')[0]}#/persistent`);
    await page.getByRole('heading', { name: 'Overview' }).waitFor({ timeout: 10_000 });
    expect(page.url()).toContain('#/overview');
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('the Leaf inspector on a fresh page finds the leaf of an origin chunk and marks that chunk', async () => {
    const dir = tempDir('leaf');
    const store = makeDemoStore(dir);
    // An origin chunk with an exception, and the leaf that maps it, as `snapscope tree` prints them.
    const leaves: TreeJson[] = [];
    const walk = (b: TreeJson): void => void (b.kind === 'leaf' ? leaves.push(b) : b.entries!.forEach((e) => walk(e.child)));
    walk(cliJson<{ tree: TreeJson }>('tree', store.cow).tree);
    const found = leaves[Math.floor(leaves.length / 2)]!;
    const origin = found.origins![1]!.origin;
    const leaf = found.chunk;
    const app = await harness.open((browser) => openServed(browser, store, dir));
    const { page } = app;
    await page.goto(`${app.served.url.split('#')[0]}#/leaf`);
    await page.reload(); // a fresh page: nothing of the B-tree view loaded
    await page.getByRole('heading', { name: /^Leaf inspector/ }).waitFor();
    await page.getByLabel('Origin chunk to inspect').fill(String(origin));
    await page.getByRole('button', { name: 'Show its leaf' }).click();
    await page.getByRole('heading', { name: `Leaf inspector · leaf ${leaf}` }).waitFor({ timeout: 10_000 });
    const marked = page.locator(`tr[data-origin="${origin}"]`);
    expect(await marked.getAttribute('aria-current')).toBe('true');
    await app.shot('15-6-leaf-inspector-fresh');
  });
});
