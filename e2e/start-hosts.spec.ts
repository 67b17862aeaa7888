import { describe, expect, it } from 'vitest';
import { browserHarness, openServer, tempDir } from './app.ts';
import { chromiumMissing } from './browser.ts';

const missing = chromiumMissing();

/**
 * The Start view's section per remote host (`serve --host`, and hosts added in the Live view):
 * here the hosts are unreachable, and each is one clear state with what ssh said, beside this
 * machine's devices — never an error page or a hang. A reachable host's devices and stores are
 * tests/renderer/host-devices.test.tsx (real helper), tests/main/live/ssh-transport.test.ts (OpenSSH)
 * and e2e/live-remote.spec.ts (OpenSSH, in Chromium).
 */
(missing ? describe.skip : describe)(missing ? `start hosts e2e skipped: ${missing}` : 'the Start view’s remote hosts in Chromium', () => {
  const harness = browserHarness();

  it('shows each host’s section with its state and ssh’s reason beside the local devices', async () => {
    const dir = tempDir('start-hosts');
    const app = await harness.open((browser) => openServer(browser, ['--host', 'nobody@127.0.0.1:1'], dir));
    const p = app.page;
    await app.view('Live snapshots');
    await p.getByLabel(/Add a host/).fill('someone@127.0.0.2:1');
    await p.getByRole('button', { name: 'Add host' }).click();
    await app.view('Start', 'Open a snapshot exception store');
    await p.getByRole('table', { name: 'Devices and images' }).waitFor();
    for (const host of ['nobody@127.0.0.1:1', 'someone@127.0.0.2:1']) {
      const section = p.getByRole('region', { name: `Devices on ${host}` });
      await section.getByRole('status', { name: `${host}: unreachable` }).waitFor({ timeout: 30_000 });
      expect(await section.getByRole('alert').textContent()).toMatch(/could not start the privileged helper through ssh/);
    }
    await app.shot('18-start-hosts');
  });
});
