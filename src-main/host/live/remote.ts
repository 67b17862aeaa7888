import { SnapscopeError } from '../../../src-core/errors.ts';
import type { HelperLauncher } from '../helper-device.ts';

/**
 * The privileged helper of another machine, through the system's OpenSSH: the user's ssh config,
 * keys and agent apply, nothing listens on the network, and the remote side runs exactly the
 * helper (installed by the .deb as `snapscope-helper`) under `sudo -n`, so a missing sudo rule is
 * an error, never a password prompt. docs/adr/0008-remote-hosts.md says what that helper can do.
 */
export function sshLauncher(target: string, options: { remoteHelper?: string[]; sshOptions?: string[] } = {}): HelperLauncher {
  if (!/^[A-Za-z0-9_.@:[\]-]+$/.test(target) || target.startsWith('-')) {
    throw new SnapscopeError('usage', `--host ${JSON.stringify(target)}: give [user@]host as ssh takes it`);
  }
  const remote = options.remoteHelper ?? ['sudo', '-n', 'snapscope-helper'];
  return {
    method: `ssh ${target}`,
    command: 'ssh',
    args: [
      '-T', // a byte stream, no terminal
      '-o', 'BatchMode=yes', // never ask for a password or passphrase: fail with a message instead
      '-o', 'ConnectTimeout=10',
      '-o', 'ServerAliveInterval=5', // a host that vanishes ends the session instead of hanging it
      '-o', 'ServerAliveCountMax=3',
      ...(options.sshOptions ?? []),
      '--',
      target,
      ...remote,
    ],
  };
}
