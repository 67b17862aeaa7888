import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the .deb installs the helper wrapper; the polkit policy names this path, pkexec runs only it. */
export const INSTALLED_HELPER = '/usr/lib/snapscope/snapscope-helper';
/** The helper in this checkout (CLI, serve, development). */
export const SOURCE_HELPER = fileURLToPath(new URL('../helper/run-helper.mjs', import.meta.url));
/** The helper's files: the script and its imports, every .mjs beside it (electron-builder.yml extraResources). */
const isHelperFile = (f: string): boolean => f.endsWith('.mjs');

/** Where the helper may be, for this process. */
export interface HelperPlaces {
  /** Electron's process.resourcesPath (electron-builder's extraResources go there); null outside Electron. */
  resourcesPath: string | null;
  source: string;
  installed: string;
  /** The mounted AppImage ($APPDIR) this process runs from, or null. */
  appDir: string | null;
}

/** How this process runs: a Node script as root needs a Node binary root can execute. */
export interface NodeRuntime {
  electron: boolean;
  execPath: string;
}

export function helperPlaces(env: NodeJS.ProcessEnv = process.env): HelperPlaces {
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath ?? null;
  return { resourcesPath, source: SOURCE_HELPER, installed: INSTALLED_HELPER, appDir: env['APPIMAGE'] ? (env['APPDIR'] ?? null) : null };
}

export function thisRuntime(): NodeRuntime {
  return { electron: process.versions['electron'] !== undefined, execPath: process.execPath };
}

/** The installed wrapper pkexec may run, when the .deb put it there. */
export function pkexecHelper(p: HelperPlaces): string | null {
  return fs.existsSync(p.installed) ? p.installed : null;
}

/**
 * The script that sudo runs with Node as root: the packaged copy under resources/helper, else this
 * source tree's. An AppImage's files sit on a FUSE mount only its user can read — not root — so
 * the script is copied to a private directory outside the image first.
 */
export function sudoHelperScript(p: HelperPlaces): string | null {
  const packaged = p.resourcesPath === null ? null : path.join(p.resourcesPath, 'helper', 'run-helper.mjs');
  const script = packaged !== null && fs.existsSync(packaged) ? packaged : fs.existsSync(p.source) ? p.source : null;
  return script !== null && p.appDir !== null && isInside(script, p.appDir) ? stageOutside(script) : script;
}

/**
 * The command that runs a Node script, as root after sudo. Under Electron: the system's node, or
 * the app's own binary as Node (ELECTRON_RUN_AS_NODE, set through `env` because sudo clears the
 * environment) — unless it is inside an AppImage, where root cannot reach it.
 */
export function nodeCommand(runtime: NodeRuntime, p: HelperPlaces, env: NodeJS.ProcessEnv): string[] | null {
  if (!runtime.electron) return [runtime.execPath];
  const node = which('node', env);
  if (node) return [node];
  if (p.appDir !== null && isInside(runtime.execPath, p.appDir)) return null;
  return ['env', 'ELECTRON_RUN_AS_NODE=1', runtime.execPath];
}

export function which(cmd: string, env: NodeJS.ProcessEnv): string | null {
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

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Copies the helper's files to a fresh private directory (removed at exit); returns the script there. */
function stageOutside(script: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-helper-'));
  for (const f of fs.readdirSync(path.dirname(script)).filter(isHelperFile)) fs.copyFileSync(path.join(path.dirname(script), f), path.join(dir, f));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, path.basename(script));
}
