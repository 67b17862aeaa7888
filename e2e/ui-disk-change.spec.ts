import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StoreInfo } from '../src-core/api/contract.ts';
import { browserHarness, openServer, tempDir } from './app.ts';
import { chromiumMissing } from './browser.ts';
import { PersistentStore } from '../src-core/persistent/index.ts';
import { SharedStore } from '../src-core/shared/index.ts';
import { FileDevice } from '../src-main/host/file-device.ts';
import { cliJson, makeDemoStore } from './demo-store.ts';
import { writePersistentPair } from './metadata-store.ts';

const missing = chromiumMissing();

/**
 * A snapshot created by a writer that takes no lock (the kernel's dm-snapshot, another program):
 * the engine itself. The CLI would refuse while serve holds the store (ADR 0006).
 */
function createBehindTheServersBack(cow: string, name: string): void {
  const store = SharedStore.open(FileDevice.open(cow, { write: true }), { write: true });
  try {
    store.createSnapshot({ name });
    store.commit();
  } finally {
    store.close();
  }
}
/** What dm-snapshot does on an origin write to a persistent COW: the chunk copied, its entry appended to the table; the header is never written. */
function appendLikeTheKernel(cow: string, origin: string, chunk: number): void {
  const dev = FileDevice.open(cow, { write: true });
  const originDev = FileDevice.open(origin, { write: true });
  try {
    const store = PersistentStore.open(dev, { write: true });
    store.writeOrigin(originDev, chunk, new Uint8Array(store.chunkBytes).fill(0x77));
    store.commit();
  } finally {
    originDev.close();
    dev.close();
  }
}
const noLoop = process.getuid?.() !== 0 ? 'not root: no loop devices' : !fs.existsSync('/dev/loop-control') ? 'no loop devices here' : null;
const snapshotCount = (page: import('playwright-core').Page) => async (): Promise<number> => Number(await page.getByTestId('ov-snapshots').getAttribute('data-value'));

// Issue 15, problem 2: changes made outside the UI were never seen, and the UI then overwrote them.
(missing ? describe.skip : describe)(missing ? `disk-change e2e skipped: ${missing}` : 'changes made on disk by others reach the page', () => {
  const harness = browserHarness();

  it('a snapshot another program creates while the UI has the store read-only shows up by itself', async () => {
    const dir = tempDir('disk-ro');
    const { cow, origin } = makeDemoStore(dir);
    const app = await harness.open((browser) => openServer(browser, [cow, '--origin', origin], dir));
    const { page } = app;
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const before = await snapshotCount(page)();
    const generation = Number(await page.getByTestId('generation').getAttribute('data-value'));
    createBehindTheServersBack(cow, 'from-cli');
    await expect.poll(snapshotCount(page), { timeout: 10_000 }).toBe(before + 1);
    expect(await page.locator('tr', { hasText: 'from-cli' }).count()).toBe(1);
    expect(Number(await page.getByTestId('generation').getAttribute('data-value'))).toBeGreaterThan(generation);
    await app.shot('15-2-disk-change-seen');
  });

  it('with a dialog open the page says "changed on disk — reload" instead of reloading under it; after Reload, a snapshot made in the UI keeps the other one', async () => {
    const dir = tempDir('disk-dialog');
    const { cow, origin } = makeDemoStore(dir);
    const app = await harness.open((browser) => openServer(browser, [cow, '--origin', origin], dir));
    const { page } = app;
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const before = cliJson<StoreInfo>('info', cow).snapshots.length;
    await page.getByRole('button', { name: 'Open for writing…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Open this store for writing?' });
    await dialog.waitFor();
    createBehindTheServersBack(cow, 'from-cli');
    const banner = page.getByTestId('disk-changed');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toContain('changed on disk — reload');
    expect(await snapshotCount(page)()).toBe(before); // not reloaded under the open dialog
    await app.shot('15-2-disk-changed-banner');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await banner.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(snapshotCount(page), { timeout: 10_000 }).toBe(before + 1);
    expect(await banner.count()).toBe(0);

    await page.getByRole('button', { name: 'Open for writing…' }).click();
    await page.getByRole('dialog', { name: 'Open this store for writing?' }).getByRole('button', { name: 'Open for writing' }).click();
    await page.getByRole('button', { name: 'Create snapshot' }).click();
    const create = page.getByRole('dialog', { name: 'Create a snapshot' });
    await create.getByLabel('Name').fill('from-ui');
    await create.getByRole('button', { name: 'Create' }).click();
    await expect.poll(snapshotCount(page), { timeout: 10_000 }).toBe(before + 2);
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('heading', { name: 'Open a snapshot exception store' }).waitFor();
    const names = cliJson<StoreInfo>('info', cow).snapshots.map((s) => s.name);
    expect(names).toContain('from-cli');
    expect(names).toContain('from-ui');
  });

  (noLoop ? it.skip : it)('a persistent COW on a block device, appended to as the kernel does (header untouched): "changed on disk — reload", then the new exception', async () => {
    const dir = tempDir('disk-table');
    const { cow, origin } = writePersistentPair(dir, 1 << 20, 0x11);
    const loop = execFileSync('losetup', ['-f', '--show', cow], { encoding: 'utf8' }).trim();
    try {
      appendLikeTheKernel(loop, origin, 5);
      const app = await harness.open((browser) => openServer(browser, [loop, '--origin', origin], dir));
      const { page } = app;
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      const exceptions = async (): Promise<number> => Number(await page.getByTestId('ov-exceptions').getAttribute('data-value'));
      expect(await exceptions()).toBe(1);
      await page.getByRole('button', { name: 'Open for writing…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Open this store for writing?' });
      await dialog.waitFor();
      const header = fs.readFileSync(cow).subarray(0, 512);
      appendLikeTheKernel(loop, origin, 6);
      expect(fs.readFileSync(cow).subarray(0, 512).equals(header)).toBe(true);
      const banner = page.getByTestId('disk-changed');
      await banner.waitFor({ timeout: 10_000 });
      expect(await banner.textContent()).toContain('changed on disk — reload');
      await app.shot('15-2-disk-changed-kernel-table');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await banner.getByRole('button', { name: 'Reload' }).click();
      await expect.poll(exceptions, { timeout: 10_000 }).toBe(2);
      await page.getByRole('button', { name: 'Close' }).click();
      await page.getByRole('heading', { name: 'Open a snapshot exception store' }).waitFor();
    } finally {
      spawnSync('losetup', ['-d', loop]);
    }
  });
});
