import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckReport, MergeResult, StoreInfo } from '../src-core/api/contract.ts';
import { browserHarness, openServed, tempDir } from './app.ts';
import { chromiumMissing } from './browser.ts';
import { cli, cliJson, makeDemoStore } from './demo-store.ts';
import { wrappedFigures } from './wrapped.ts';

const missing = chromiumMissing();
const S = 'nightly';

(missing ? describe.skip : describe)(missing ? `shared merge e2e skipped: ${missing}` : 'merging a shared-store snapshot in Chromium', () => {
  const harness = browserHarness();

  it(`merges '${S}' from the Overview: dry run, confirm, live progress to 100%; the origin then equals the snapshot's former view`, async () => {
    const dir = tempDir('shared-merge');
    const { cow, origin } = makeDemoStore(dir);
    const before = path.join(dir, 'before.img');
    const baseBefore = path.join(dir, 'base-before.img');
    cli('read', cow, '--origin', origin, '-s', S, '--out', before);
    cli('read', cow, '--origin', origin, '-s', 'base', '--out', baseBefore);
    const plan = cliJson<MergeResult>('merge', cow, '--origin', origin, '--snapshot', S, '--dry-run');
    const infoBefore = cliJson<StoreInfo>('info', cow);

    const app = await harness.open((browser) => openServed(browser, { cow, origin }, dir));
    const { page } = app;
    const rows = page.getByRole('table', { name: 'Snapshots' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(infoBefore.snapshots.length);

    // The Overview's per-snapshot action: the dry run first, then what will be lost.
    await page.getByRole('button', { name: `Merge snapshot ${S}` }).click();
    const dialog = page.getByRole('dialog', { name: `Merge '${S}' into the origin?` });
    await dialog.getByTestId('merge-plan').waitFor();
    expect(Number(await dialog.getByTestId('plan-chunks').getAttribute('data-value'))).toBe(plan.chunks);
    expect(Number(await dialog.getByTestId('plan-copies').getAttribute('data-value'))).toBe(plan.plan!.copies);
    expect(await dialog.textContent()).toMatch(/will be lost.*rolled back to what snapshot 'nightly' shows.*deleted once merged/s);
    // Its parts (the snapshot, the figures, what will be lost, the note) sat edge to edge.
    const gaps = await dialog.locator('form').evaluate((form) => {
      const boxes = [...form.children].map((c) => c.getBoundingClientRect());
      return boxes.slice(1).map((b, i) => Math.round(b.top - boxes[i]!.bottom));
    });
    expect(gaps.length).toBeGreaterThan(1);
    for (const gap of gaps) expect(gap, `gaps between the merge dialog's parts: ${gaps.join(', ')}`).toBeGreaterThanOrEqual(8);
    await page.waitForTimeout(150);
    await app.shot('20-shared-merge-dry-run');

    await dialog.getByRole('button', { name: 'Start merge' }).click();
    await page.getByRole('heading', { name: 'Merge', exact: true }).waitFor();
    await expect.poll(() => page.getByTestId('merge-percent').textContent(), { timeout: 60_000 }).toBe('100%');
    const summary = page.getByTestId('merge-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('Merge finished');
    expect(await summary.textContent()).toContain(`${plan.chunks.toLocaleString('en-US')} origin chunks`);
    // Why the store's exception count grew: the copies the dry run planned, less what only S held.
    expect(await page.getByTestId('merge-exceptions').textContent()).toContain(
      `+${plan.plan!.copies.toLocaleString('en-US')} copies of the origin chunks the merge overwrote, made for the other snapshots that read them on the origin; −${plan.plan!.frees.toLocaleString('en-US')} exceptions only '${S}' held, freed`,
    );
    // The snapshot table of the Merge view drained: S is gone.
    const drained = page.getByTestId('merge-snapshots').locator('tbody tr');
    await expect.poll(() => drained.count()).toBe(infoBefore.snapshots.length - 1);
    // At 1280 px "402 / 402 chunks" wrapped after "/".
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(() => wrappedFigures(page)).toEqual([]);
    await page.waitForTimeout(300);
    await app.shot('21-shared-merge-done');

    await app.view('Overview');
    await expect.poll(() => rows.count()).toBe(infoBefore.snapshots.length - 1);
    expect(await rows.filter({ hasText: S }).count()).toBe(0);
    await app.shot('22-shared-merge-overview');

    // Close the store (flushes the origin), then check the files.
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('heading', { name: 'Open a snapshot exception store' }).waitFor();
    expect(fs.readFileSync(origin).equals(fs.readFileSync(before))).toBe(true);
    const after = cliJson<StoreInfo>('info', cow);
    expect(after.snapshots.map((s) => s.name)).not.toContain(S);
    expect(after.merge).toBeNull();
    const check = cliJson<CheckReport>('check', cow);
    expect(check.errors).toBe(0);
    expect(check.warnings).toBe(0);
    // Another snapshot's view did not change.
    const baseAfter = path.join(dir, 'base-after.img');
    cli('read', cow, '--origin', origin, '-s', 'base', '--out', baseAfter);
    expect(fs.readFileSync(baseAfter).equals(fs.readFileSync(baseBefore))).toBe(true);
  });
});
