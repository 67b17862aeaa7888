import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobInfo, StoreInfo } from '../src-core/api/contract.ts';
import { apiCall } from './api.ts';
import { browserHarness, openServed, tempDir } from './app.ts';
import { makeBigPersistent } from './big-persistent.ts';
import { chromiumMissing } from './browser.ts';
import { cpuLoad } from './cpu-load.ts';
import { cliJson } from './demo-store.ts';

const missing = chromiumMissing();
/** Exceptions of 4 KiB, each its own run (the origins are a permutation): a merge of many small copies and clears. */
const EXCEPTIONS = 65_536;

/** The chunks merged, as the page says ('1,234' of '1,234 of 65,536 chunks'). */
const doneOnPage = async (page: Page): Promise<number> => Number(((await page.getByTestId('merge-done').locator('span').first().textContent()) ?? '').replace(/[^0-9]/g, '') || '0');

/** The merge job as the host last heard of it from the engine. */
const engineJob = async (url: string): Promise<{ state: string; done: number }> => {
  const job = (await apiCall(url, 'jobs', {})).jobs.find((j: JobInfo) => j.kind === 'merge' && j.endedAt === null)!;
  return { state: job.state, done: job.progress.done };
};

(missing ? describe.skip : describe)(missing ? `persistent merge pause e2e skipped: ${missing}` : 'pausing a persistent merge in Chromium', () => {
  const harness = browserHarness();
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('on a busy machine, Pause holds the progress within 0.5 s (a batch sized by time is copied in steps, and the wait for its flush is a step too); resume goes on, cancel leaves a loadable store', async () => {
    const dir = tempDir('persistent-merge-pause');
    dirs.push(dir);
    const { cow } = makeBigPersistent(dir, EXCEPTIONS);
    const origin = path.join(dir, 'origin.img');
    fs.writeFileSync(origin, '');
    fs.truncateSync(origin, EXCEPTIONS * 4096);
    const app = await harness.open((browser) => openServed(browser, { cow, origin }, dir));
    const { page } = app;
    await app.view('Merge');
    await page.getByRole('button', { name: 'Merge into origin…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('merge-plan').waitFor();
    await dialog.getByRole('button', { name: 'Start merge' }).click();
    await expect.poll(() => doneOnPage(page), { timeout: 60_000, interval: 20 }).toBeGreaterThan(0);

    // Two spinning processes on CI's two cores: a step that ran a whole batch, or waited out a flush, ran past 0.5 s here.
    const load = cpuLoad(2);
    let held: number;
    try {
      const clicked = Date.now();
      await page.getByRole('button', { name: 'Pause', exact: true }).click();
      await page.waitForTimeout(Math.max(0, 500 - (Date.now() - clicked)));
      held = await doneOnPage(page);
      expect(await page.getByTestId('merge-phase').textContent()).toMatch(/^Paused/);
      expect(await engineJob(app.served.url)).toEqual({ state: 'paused', done: held });
    } finally {
      load.stop();
    }
    expect(held).toBeLessThan(EXCEPTIONS);
    await page.waitForTimeout(1000);
    expect(await doneOnPage(page)).toBe(held);

    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect.poll(() => doneOnPage(page), { timeout: 30_000, interval: 20 }).toBeGreaterThan(held);
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.getByTestId('merge-summary').waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('heading', { name: 'Open a snapshot exception store' }).waitFor();
    // Cancelled between steps: a loadable store whose table lost the merged entries only.
    const info = cliJson<StoreInfo>('info', cow);
    expect(info.exceptions).toBeGreaterThan(0);
    expect(info.exceptions).toBeLessThan(EXCEPTIONS - held);
  }, 180_000);
});
