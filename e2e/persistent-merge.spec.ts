import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { browserHarness, openServed, tempDir } from './app.ts';
import { chromiumMissing } from './browser.ts';
import { ROOT } from './demo-store.ts';

const FIXTURE = path.join(ROOT, 'test-fixtures', 'kernel', 'p-merge-full');
const gunzip = (file: string): Buffer => zlib.gunzipSync(fs.readFileSync(path.join(FIXTURE, file)));
const missing = chromiumMissing() ?? (fs.existsSync(FIXTURE) ? null : `no kernel fixture at ${FIXTURE}`);

(missing ? describe.skip : describe)(missing ? `persistent merge e2e skipped: ${missing}` : 'merging a kernel-written persistent store in Chromium', () => {
  const harness = browserHarness();

  it('runs a merge live to 100%, and the origin then equals the kernel merge result', async () => {
    const dir = tempDir('merge');
    const cow = path.join(dir, 'cow.img');
    const origin = path.join(dir, 'origin.img');
    fs.writeFileSync(cow, gunzip('cow.img.gz'));
    fs.writeFileSync(origin, gunzip('origin.img.gz'));
    const app = await harness.open((browser) => openServed(browser, { cow, origin }, dir));
    const { page } = app;

    await app.view('Exception table');
    await expect.poll(async () => Number(await page.getByTestId('exception-count').getAttribute('data-value'))).toBeGreaterThan(0);
    await page.waitForTimeout(300);
    await app.shot('10-persistent-table');

    await app.view('Merge');
    await page.getByRole('button', { name: 'Merge into origin…' }).click();
    const dialog = page.getByRole('dialog', { name: "Merge 'snap' into the origin?" });
    await dialog.getByTestId('merge-plan').waitFor(); // the dry run answers before the dialog says what will be lost
    expect(await dialog.textContent()).toContain('will be lost');
    await dialog.getByRole('button', { name: 'Start merge' }).click();
    await expect.poll(() => page.getByTestId('merge-percent').textContent(), { timeout: 60_000 }).toBe('100%');
    await page.getByTestId('merge-summary').waitFor();
    expect(await page.getByTestId('merge-summary').textContent()).toContain('Merge finished');
    await expect.poll(async () => Number(await page.getByTestId('exception-count').getAttribute('data-value'))).toBe(0);
    await page.waitForTimeout(300);
    await app.shot('11-merge-done');

    await app.view('Activity');
    // The merge's job entry (the store's own 'was open already' line names a path with 'merge' in it).
    await expect.poll(() => page.locator('.log-entry[data-status="ok"][data-kind="job"]').filter({ hasText: 'merge' }).count()).toBeGreaterThan(0);
    await app.shot('12-activity');

    // Close the store (flushes the origin), then compare byte for byte with the kernel's merged origin.
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('heading', { name: 'Open a snapshot exception store' }).waitFor();
    expect(fs.readFileSync(origin).equals(gunzip('origin-after.img.gz'))).toBe(true);
  });
});
