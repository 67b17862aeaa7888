import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHANNELS, type StoreInfo, type WireClientMessage } from '../src-core/api/contract.ts';
import { browserHarness, openServed, tempDir } from './app.ts';
import { chromiumMissing } from './browser.ts';
import { cli, cliJson } from './demo-store.ts';

const missing = chromiumMissing();
const S = 'target';
/** Chunks the merged snapshot holds, and per batch: thousands of batches, so the merge lasts seconds and the clicks on Pause and Cancel cannot arrive after its end. */
const CHUNKS = 3000;
const BATCH = 1;

/** A shared store whose snapshot S has CHUNKS exceptions, some shared with an older snapshot: built by replay, metadata-light. */
function makeStore(dir: string): { cow: string; origin: string } {
  const origin = path.join(dir, 'origin.img');
  const cow = path.join(dir, 'shared.cow');
  fs.writeFileSync(origin, Buffer.alloc(0));
  fs.truncateSync(origin, 16 << 20);
  cli('format', cow, '--kind', 'shared', '--size', '32M', '--chunk-size', '4k');
  const lines = ['snap-create base'];
  for (let c = 0; c < 400; c += 2) lines.push(`origin-write ${c} ${(c % 250) + 1}`);
  lines.push(`snap-create ${S}`);
  for (let c = 0; c < CHUNKS; c++) lines.push(`origin-write ${c} ${(c % 200) + 7}`);
  const script = path.join(dir, 'store.script');
  fs.writeFileSync(script, `${lines.join('\n')}\n`);
  cli('replay', cow, '--origin', origin, '--script', script);
  return { cow, origin };
}

/** The UI asks for default batches; the page's socket is routed so its merge asks for small ones. */
async function smallBatches(page: Page): Promise<void> {
  await page.context().routeWebSocket(new RegExp(`${CHANNELS.ws}`), (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((text) => {
      const msg = JSON.parse(String(text)) as WireClientMessage;
      const args = msg.args as { dryRun?: boolean };
      server.send(msg.type === 'call' && msg.method === 'merge' && !args.dryRun ? JSON.stringify({ ...msg, args: { ...args, batchChunks: BATCH } }) : String(text));
    });
  });
  await page.reload();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
}

(missing ? describe.skip : describe)(missing ? `shared merge pause e2e skipped: ${missing}` : 'pausing and cancelling a shared merge in Chromium', () => {
  const harness = browserHarness();

  it('pause stops the progress, resume goes on, cancel leaves the merge recorded; resuming it ends with the origin equal to the former snapshot view', async () => {
    const dir = tempDir('shared-merge-pause');
    const { cow, origin } = makeStore(dir);
    const before = path.join(dir, 'before.img');
    cli('read', cow, '--origin', origin, '-s', S, '--out', before);

    const app = await harness.open((browser) => openServed(browser, { cow, origin }, dir));
    const { page } = app;
    await smallBatches(page);
    await app.view('Merge');
    await page.getByRole('combobox', { name: 'Snapshot' }).selectOption('1'); // base is slot 0, S slot 1
    await page.getByRole('button', { name: 'Merge into origin…' }).click();
    const dialog = page.getByRole('dialog', { name: `Merge '${S}' into the origin?` });
    await dialog.getByTestId('merge-plan').waitFor();
    expect(Number(await dialog.getByTestId('plan-chunks').getAttribute('data-value'))).toBe(CHUNKS);
    await dialog.getByRole('button', { name: 'Start merge' }).click();

    const done = page.getByTestId('merge-done');
    const merged = async (): Promise<number> => Number(((await done.textContent()) ?? '').split('/')[0]!.replace(/\D/g, ''));
    await expect.poll(merged, { timeout: 20_000, interval: 20 }).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByRole('button', { name: 'Resume', exact: true }).waitFor();
    const paused = await merged();
    expect(paused).toBeLessThan(CHUNKS);
    await page.waitForTimeout(600);
    expect(await merged()).toBe(paused);
    await app.shot('23-shared-merge-paused');

    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect.poll(merged, { timeout: 20_000, interval: 20 }).toBeGreaterThan(paused);
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
