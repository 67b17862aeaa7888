import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELPER, SSH_USER, sshdMissing, startSshd } from '../tests/main/live/sshd.ts';
import { browserHarness, openServer, tempDir } from './app.ts';
import { chromiumMissing } from './browser.ts';
import { append, detach, emptyCow, losetup, refreshAfter, writerOnly } from './live-cow.ts';

const why = chromiumMissing() ?? sshdMissing();
/** The host as the user names it: an alias of their ssh config. */
const HOST = 'snapscope-e2e';

/**
 * The user's ssh config for HOST (port, user, throwaway key), and an `ssh` first on the server's
 * PATH that reads it: the system's OpenSSH takes its config from the passwd entry's home, not
 * $HOME, so a test cannot give it one any other way. Returns that directory.
 */
function sshConfig(dir: string, port: number, key: string): string {
  const config = path.join(dir, 'ssh_config');
  fs.writeFileSync(
    config,
    [`Host ${HOST}`, '  HostName 127.0.0.1', `  Port ${port}`, `  User ${SSH_USER}`, `  IdentityFile ${key}`, '  IdentitiesOnly yes', '  StrictHostKeyChecking no', '  UserKnownHostsFile /dev/null', '  LogLevel ERROR'].join('\n') + '\n',
  );
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'ssh'), `#!/bin/sh\nexec /usr/bin/ssh -F ${config} "$@"\n`, { mode: 0o755 });
  return bin;
}

/**
 * A remote host's live COW opened in the browser: `serve --host` reaches the host through the
 * system's OpenSSH (sshd started here, .ci/setup-ssh-test.sh's user), whose login runs this
 * checkout's helper under sudo as `snapscope-helper` would be (authorized_keys' command=). The
 * Start view's section for the host lists its loop device holding a persistent COW that another
 * process appends to as the kernel would; Open shows it live, read through that helper, and a
 * refresh shows what was appended since. Nothing is written.
 */
(why ? describe.skip : describe)(why ? `live remote e2e skipped: ${why}` : 'a remote host’s live COW opened in Chromium', () => {
  const harness = browserHarness();

  it('opens the COW on a host reached through ssh from its Start section, refreshes it, never writing', async () => {
    const dir = tempDir('live-remote');
    const sshd = await startSshd(dir, { forcedCommand: `exec sudo -n ${process.execPath} ${HELPER} \${SSH_ORIGINAL_COMMAND#sudo -n snapscope-helper}` });
    const cow = path.join(dir, 'cow.img');
    emptyCow(cow);
    await append(cow, 0, 30);
    const loop = losetup(cow);
    try {
      const bin = sshConfig(dir, sshd.port, sshd.clientKey);
      const app = await harness.open((browser) => openServer(browser, ['--host', HOST], dir, { PATH: `${bin}:${process.env['PATH']}` }));
      const p = app.page;
      await app.view('Start', 'Open a snapshot exception store');
      const section = p.getByRole('region', { name: `Devices on ${HOST}` });
      await section.getByRole('status', { name: `${HOST}: reachable` }).waitFor({ timeout: 30_000 });
      const row = section.getByRole('row').filter({ hasText: loop });
      expect(await row.textContent()).toMatch(/persistent/);
      await row.scrollIntoViewIfNeeded();
      await app.shot('18-start-remote-host');
      await row.getByRole('button', { name: `Open ${HOST}:${loop}` }).click();
      await p.getByRole('heading', { name: 'Overview' }).waitFor({ timeout: 30_000 });
      const bar = p.getByRole('region', { name: 'Live COW' });
      await expect.poll(() => bar.textContent()).toMatch(new RegExp(`read-only, on ${HOST}; the kernel writes it.*as of \\d\\d:\\d\\d:\\d\\d`));
      expect(await p.getByRole('button', { name: /Open for writing/ }).count()).toBe(0);

      await refreshAfter(app, () => append(cow, 30, 80), 'live-fresh', 50, 80);
      await app.shot('18-live-remote-open');
    } finally {
      detach(loop);
      sshd.stop();
    }
    expect(Buffer.compare(fs.readFileSync(cow), await writerOnly(dir, 80))).toBe(0);
  });
});
