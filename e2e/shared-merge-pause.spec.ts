import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { StoreInfo } from '../src-core/api/contract.ts';
import { browserHarness, openServed, tempDir } from './app.ts';
import { chromiumMissing } from './browser.ts';
import { cli, cliJson } from './demo-store.ts';
import { MERGE_CHUNK_BYTES, writeMergeStore } from './metadata-store.ts';

const missing = chromiumMissing();
const S = 'target';
/** Chunks S holds: 512 MiB, so with default (time-sized) batches the merge lasts long enough to pause. */
const CHUNKS = 8192;
/** S (slot 1) holds CHUNKS copies, each data chunk filled with its own byte; 'base' (slot 0) shares those past the first 512. */
const makeStore = (dir: string) => writeMergeStore(dir, { names: ['base', S], merged: 1, chunks: CHUNKS, only: 512, data: 'data', originMarked: 0 });

const merged = async (page: Page): Promise<number> => {
  const stages = JSON.parse((await page.getByTestId('merge-stages').getAttribute('data-stages')) ?? '[]') as [number, number][];
  return (stages[1]?.[0] ?? 0) / MERGE_CHUNK_BYTES;
};

(missing ? describe.skip : describe)(missing ? `shared merge pause e2e skipped: ${missing}` : 'pausing and cancelling a shared merge in Chromium', () => {
  const harness = browserHarness();

  it('pause stops the progress, resume goes on, cancel leaves the merge recorded; resuming it ends with the origin equal to the former snapshot view', async () => {
    const dir = tempDir('shared-merge-pause');
    const { cow, origin } = makeStore(dir);
    const before = path.join(dir, 'before.img');
    cli('read', cow, '--origin', origin, '-s', S, '--out', before);

    const app = await harness.open((browser) => openServed(browser, { cow, origin }, dir));
    const { page } = app;
    await app.view('Merge');
    await page.getByRole('combobox', { name: 'Snapshot' }).selectOption('1'); // base is slot 0, S slot 1 — default settings, no batch size asked
    await page.getByRole('button', { name: 'Merge into origin…' }).click();
    const dialog = page.getByRole('dialog', { name: `Merge '${S}' into the origin?` });
    await dialog.getByTestId('merge-plan').waitFor();
    expect(Number(await dialog.getByTestId('plan-chunks').getAttribute('data-value'))).toBe(CHUNKS);
    await dialog.getByRole('button', { name: 'Start merge' }).click();

    await expect.poll(() => merged(page), { timeout: 20_000, interval: 20 }).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByRole('button', { name: 'Resume', exact: true }).waitFor();
    await page.waitForTimeout(500); // a pause acts within half a second
    const paused = await merged(page);
    expect(paused).toBeLessThan(CHUNKS);
    await page.waitForTimeout(1000);
    expect(await merged(page)).toBe(paused);
    await app.shot('23-shared-merge-paused');

    // Resume, and pause again as soon as the job runs: the pause lands at the end of the batch under
    // way, so the merge goes on and stays recorded (the whole merge takes about a second on a fast
    // disk: waiting to see progress first, the second pause came after it had ended).
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByRole('button', { name: 'Resume', exact: true }).waitFor();
    await expect.poll(() => merged(page), { timeout: 20_000, interval: 20 }).toBeGreaterThan(paused);
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    const banner = page.getByTestId('merge-recorded');
    await banner.waitFor();
    expect(await banner.textContent()).toContain(`Merge of '${S}' in progress — the origin is partly rolled back`);
    const recorded = cliJson<StoreInfo>('info', cow).merge;
    expect(recorded).toMatchObject({ slot: 1 });
    expect(recorded!.done).toBeLessThan(CHUNKS);
    await app.shot('24-shared-merge-cancelled');

    await banner.getByRole('button', { name: 'Resume merge' }).click();
    await expect.poll(() => page.getByTestId('merge-percent').textContent(), { timeout: 60_000 }).toBe('100%');
    await page.getByTestId('merge-summary').waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('heading', { name: 'Open a snapshot exception store' }).waitFor();
    expect(fs.readFileSync(origin).equals(fs.readFileSync(before))).toBe(true);
    expect(cliJson<StoreInfo>('info', cow).merge).toBeNull();
  }, 150_000);
});
