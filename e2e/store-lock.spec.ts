import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserHarness, copyStore, openServed, tempDir } from './app.ts';
import { chromiumMissing } from './browser.ts';
import { ROOT, makeDemoStore } from './demo-store.ts';
import { serve } from './server.ts';

const BIN = path.join(ROOT, 'bin', 'snapscope.mjs');

function cli(...args: string[]): { code: number; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, stderr: r.stderr };
}

const missing = chromiumMissing();

(missing ? describe.skip : describe)(missing ? `store lock e2e skipped: ${missing}` : 'one writer per store: the UI and the CLI', () => {
  const harness = browserHarness();
  let demo: { cow: string; origin: string };
  beforeAll(() => {
    demo = makeDemoStore(tempDir('demo'));
  });

  it('while the UI holds a store for writing the CLI is refused; after the UI closes it the CLI writes, and the UI shows it on reopening', async () => {
    const dir = tempDir('lock');
    const store = copyStore(demo, dir);
    const app = await harness.open((browser) => openServed(browser, store, dir));
    const { page } = app;
    await expect.poll(() => page.getByTestId('access-mode').textContent()).toBe('read-write');

    const refused = cli('snapshot', 'create', store.cow, '--name', 'from-cli');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is open for writing by snapscope serve \(pid \d+\); nothing was written/);

    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByRole('heading', { name: 'Open a snapshot exception store' }).waitFor();
    const created = cli('snapshot', 'create', store.cow, '--name', 'from-cli');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);

    await page.getByRole('button', { name: `Open recent store ${store.cow}` }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const rows = page.getByRole('table', { name: 'Snapshots' }).locator('tbody tr');
    await expect.poll(() => rows.filter({ hasText: 'from-cli' }).count()).toBe(1);
    await app.shot('store-lock-reopened');
  });

  it('a UI asked to write a store another process holds opens it read-only and says by whom', async () => {
    const dir = tempDir('lock2');
    const store = copyStore(demo, dir);
    const holder = await serve([store.cow, store.origin, '--write'], { XDG_DATA_HOME: path.join(dir, 'holder'), HOME: path.join(dir, 'holder') });
    try {
      const app = await harness.open((browser) => openServed(browser, store, dir));
      const mode = app.page.getByTestId('access-mode');
      await expect.poll(() => mode.textContent()).toBe('read-only: in use elsewhere');
      expect(await mode.getAttribute('title')).toMatch(/^opened read-only: .*shared\.cow is in use \(open for writing by snapscope serve \(pid \d+\)\)$/);
    } finally {
      await holder.stop();
    }
  });
});
