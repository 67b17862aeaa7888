import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HelperLauncher } from './helper-device.ts';

/** Where the .deb installs the helper wrapper that the polkit policy names (pkexec runs only that). */
export const INSTALLED_HELPER = '/usr/lib/snapscope/snapscope-helper';
/** The helper in this checkout (sudo, development, the helper test). */
export const SOURCE_HELPER = fileURLToPath(new URL('../helper/run-helper.mjs', import.meta.url));

export interface HelperChoice {
  launcher: HelperLauncher | null;
  /** Why there is none, or what limits the one chosen. */
  note: string | null;
}

/**
 * How this system can start the helper: pkexec with the installed wrapper (the polkit policy asks
 * for an admin password, kept for the session), else sudo with this Node and the helper in this
 * tree. `interactive` false adds `sudo -n` (never prompt: fail instead) for processes without a
 * terminal. Inside an AppImage pkexec cannot reach a helper in the mounted image.
 */
export function chooseHelper(env: NodeJS.ProcessEnv = process.env, interactive = false): HelperChoice {
  const appImage = env['APPIMAGE'] !== undefined;
  const pkexec = which('pkexec', env);
  if (pkexec && fs.existsSync(INSTALLED_HELPER)) return { launcher: { method: 'pkexec', command: pkexec, args: [INSTALLED_HELPER] }, note: null };
  const sudo = which('sudo', env);
  const why = appImage
    ? 'pkexec cannot run a helper inside the AppImage (install the .deb for pkexec)'
    : pkexec
      ? `pkexec found but the helper is not installed at ${INSTALLED_HELPER}`
      : null;
  // Under Electron process.execPath is the app, which only acts as Node with ELECTRON_RUN_AS_NODE,
  // an environment variable sudo drops; the helper then needs the system's node.
  const node = process.versions['electron'] ? which('node', env) : process.execPath;
  if (sudo && node && fs.existsSync(SOURCE_HELPER)) {
    return { launcher: { method: 'sudo', command: sudo, args: [...(interactive ? [] : ['-n']), node, SOURCE_HELPER] }, note: why };
  }
  return { launcher: null, note: `${why ?? 'neither pkexec nor sudo is available'}; devices you cannot open are read-only to you or unavailable` };
}

function which(cmd: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env['PATH'] ?? '/usr/bin:/bin:/usr/sbin:/sbin').split(':')) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}
