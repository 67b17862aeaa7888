import { describe, expect, it } from 'vitest';
import { browserHarness, openServer, tempDir } from './app.ts';
import { chromiumMissing } from './browser.ts';

const missing = chromiumMissing();

/**
 * The Live snapshots view against `snapscope serve --host`: this machine and each host are listed
 * with their state in the tools' own words (this test machine has no device-mapper, and the hosts
 * are unreachable: both must be one clear row, never an error page or a hang); hosts are added
 * and removed from the page.
 */
(missing ? describe.skip : describe)(missing ? `live view e2e skipped: ${missing}` : 'the Live snapshots view in Chromium', () => {
  const harness = browserHarness();

  it('lists this machine and the --host hosts with why each has no snapshots, and adds and removes a host', async () => {
    const dir = tempDir('live');
    const app = await harness.open((browser) => openServer(browser, ['--host', 'nobody@127.0.0.1:1'], dir));
    const p = app.page;
    await app.view('Live snapshots');
    const hosts = p.getByRole('list', { name: 'Hosts' });
    const here = hosts.locator('li').filter({ hasText: 'this host' });
    await here.waitFor();
    await expect.poll(() => here.textContent()).toMatch(/targets|device-mapper is not available|needs root/);
    const remote = hosts.locator('li').filter({ hasText: 'nobody@127.0.0.1:1' });
    await expect.poll(() => remote.textContent(), { timeout: 30_000 }).toMatch(/unavailable.*ssh/);

    await p.getByLabel(/Add a host/).fill('someone@127.0.0.2:1');
    await p.getByRole('button', { name: 'Add host' }).click();
    const added = hosts.locator('li').filter({ hasText: 'someone@127.0.0.2:1' });
    await expect.poll(() => added.textContent(), { timeout: 30_000 }).toMatch(/unavailable.*ssh/);
    await app.shot('18-live-hosts');
    await p.getByRole('button', { name: 'Remove host someone@127.0.0.2:1' }).click();
    await expect.poll(() => added.count(), { timeout: 30_000 }).toBe(0);
    expect(await p.getByRole('region', { name: 'Snapshots, most urgent first' }).textContent()).toMatch(/No live snapshots|Asking/);
  });
});
