import type { HelperLauncher } from './helper-device.ts';
import { helperPlaces, nodeCommand, pkexecHelper, sudoHelperScript, thisRuntime, which, type HelperPlaces, type NodeRuntime } from './helper-path.ts';

export interface HelperChoice {
  launcher: HelperLauncher | null;
  /** Why there is none, or what limits the one chosen: shown on the start view and logged. */
  note: string | null;
}

/**
 * How this system can start the helper (helper-path.ts says where it is): pkexec with the
 * installed wrapper (the polkit policy asks for an admin password, kept for the session), else
 * sudo running the helper script with Node. `interactive` false adds `sudo -n` (never prompt:
 * fail instead) for processes without a terminal.
 */
export function chooseHelper(env: NodeJS.ProcessEnv = process.env, interactive = false, places: HelperPlaces = helperPlaces(env), runtime: NodeRuntime = thisRuntime()): HelperChoice {
  const pkexec = which('pkexec', env);
  const installed = pkexecHelper(places);
  if (pkexec && installed) return { launcher: { method: 'pkexec', command: pkexec, args: [installed] }, note: null };
  const why =
    places.appDir !== null
      ? `pkexec cannot run a helper inside the AppImage (its mount is private to you, and polkit allows only ${places.installed}); install the .deb for pkexec`
      : pkexec
        ? `pkexec found but the helper is not installed at ${places.installed}`
        : null;
  const sudo = which('sudo', env);
  const script = sudo ? sudoHelperScript(places) : null;
  const node = script ? nodeCommand(runtime, places, env) : null;
  if (sudo && script && node) {
    return { launcher: { method: 'sudo', command: sudo, args: [...(interactive ? [] : ['-n']), ...node, script] }, note: why && `${why}; using sudo instead` };
  }
  const missing = !sudo ? 'no sudo' : !script ? 'the helper script is missing' : 'no Node that root can run (install nodejs)';
  return { launcher: null, note: `${why ?? 'no pkexec helper'}; ${missing}: devices you cannot open are read-only to you or unavailable` };
}
