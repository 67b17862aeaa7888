/**
 * OpenSSH's own server on 127.0.0.1 for the tests of the ssh transport: throwaway host and client
 * keys, and only the throwaway user of .ci/setup-ssh-test.sh may log in, who may run exactly this
 * checkout's helper through sudo, as an admin would set up a monitored host.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const SSH_USER = 'snapscope-ssh';
export const HELPER = path.resolve(import.meta.dirname, '../../../src-main/helper/run-helper.mjs');

/** Why sshd cannot be started for the tests here, or null. */
export function sshdMissing(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (loop devices, sshd)';
  if (!fs.existsSync('/usr/sbin/sshd')) return 'OpenSSH server not installed (apt install openssh-server; CI does)';
  if (spawnSync('id', [SSH_USER], { stdio: 'ignore' }).status !== 0) return `no user ${SSH_USER}: run .ci/setup-ssh-test.sh`;
  if (spawnSync('sudo', ['-n', '-l', '-U', SSH_USER, process.execPath, HELPER], { stdio: 'ignore' }).status !== 0) {
    return `sudo does not let ${SSH_USER} run this checkout's helper: run .ci/setup-ssh-test.sh here`;
  }
  return null;
}

export interface Sshd {
  port: number;
  /** The private key that logs in as SSH_USER. */
  clientKey: string;
  stop(): void;
}

/**
 * Starts sshd with its files in `dir` (made world-readable: sshd reads them as the user).
 * `forcedCommand`: what every login runs, whatever it asked for (authorized_keys' command=).
 */
export async function startSshd(dir: string, options: { forcedCommand?: string } = {}): Promise<Sshd> {
  fs.chmodSync(dir, 0o755);
  for (const k of ['host', 'client']) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, k)]);
  const restriction = options.forcedCommand ? `command=${JSON.stringify(options.forcedCommand)} ` : '';
  fs.writeFileSync(path.join(dir, 'authorized_keys'), restriction + fs.readFileSync(path.join(dir, 'client.pub'), 'utf8'), { mode: 0o644 });
  const port = await freePort();
  fs.writeFileSync(
    path.join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${path.join(dir, 'host')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AllowUsers ${SSH_USER}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
    ].join('\n') + '\n',
  );
  fs.mkdirSync('/run/sshd', { recursive: true }); // privilege separation directory
  const sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', path.join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  await waitForPort(port);
  return { port, clientKey: path.join(dir, 'client'), stop: () => sshd.kill() };
}

/** A port nobody listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitForPort(p: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(p, '127.0.0.1', () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd did not listen on ${p}`);
}
