import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoreInfo } from '../src-core/api/contract.ts';
import { browserHarness, openServer, tempDir } from './app.ts';
import { chromiumMissing, screenshot } from './browser.ts';
import { cliJson } from './demo-store.ts';

const missing = chromiumMissing();

(missing ? describe.skip : describe)(missing ? `start view e2e skipped: ${missing}` : 'the start view in Chromium against snapscope serve', () => {
  const harness = browserHarness();

  it('"Open demo store" creates the demo in the data directory and opens it: the overview lists its snapshots', async () => {
    const dir = tempDir('start');
    const p = (await harness.open((browser) => openServer(browser, [], dir))).page;
    await p.getByRole('heading', { name: 'Open a snapshot exception store' }).waitFor();
    // Devices and discovered snapshot pairs are listed (here: none, with why).
    await p.getByRole('region', { name: 'Snapshots on this system' }).getByText(/No device-mapper snapshots found|COW /).first().waitFor();
    await p.getByRole('table', { name: 'Devices and images' }).waitFor();
    await screenshot(p, '00-start');

    await p.getByRole('button', { name: 'Open demo store' }).click();
    await p.getByRole('heading', { name: 'Overview' }).waitFor();
    const cow = await p.locator('.topbar .mono').first().getAttribute('title');
    expect(cow).toBeTruthy();
    expect(path.dirname(cow!).startsWith(dir)).toBe(true);
    expect(fs.existsSync(cow!)).toBe(true);
    const info = cliJson<StoreInfo>('info', cow!);
    const rows = p.getByRole('table', { name: 'Snapshots' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(info.snapshots.length);
    for (const s of info.snapshots) expect(await rows.filter({ hasText: s.name }).count()).toBe(1);
    expect(await p.getByText('read-write', { exact: true }).count()).toBe(1);
    await p.waitForTimeout(200);
    await screenshot(p, '00-demo-overview');

    // One Activity entry per operation: the demo's creation, and the open (a job) that followed it.
    await p.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: /^Activity/ }).click();
    const entries = p.getByRole('list', { name: 'Activity log' }).locator('li');
    await expect.poll(() => entries.filter({ hasText: `open ${cow}` }).count()).toBe(1);
    await expect.poll(() => entries.filter({ hasText: `open ${cow}` }).getAttribute('data-status')).toBe('ok');
    expect(await entries.filter({ hasText: 'create demo store' }).count()).toBe(1);
    await screenshot(p, '00-demo-activity');
  });
});
