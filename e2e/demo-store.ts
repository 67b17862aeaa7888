import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'snapscope.mjs');

/** Runs the CLI and returns its stdout (JSON when `--json` is passed). */
export function cli(...args: string[]): string {
  return execFileSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
}

export function cliJson<T>(...args: string[]): T {
  return JSON.parse(cli(...args, '--json')) as T;
}

/**
 * A demo store in `dir` (origin.img, shared.cow), byte for byte what `snapscope demo <dir>` writes:
 * the CLI builds it once per test run, under the run's temporary root, and each call copies it
 * (the command is deterministic; two spawns per test were most of a spec's set-up).
 */
export function makeDemoStore(dir: string): { origin: string; cow: string } {
  const template = demoTemplate();
  const origin = path.join(dir, 'origin.img');
  const cow = path.join(dir, 'shared.cow');
  fs.copyFileSync(path.join(template, 'origin.img'), origin);
  fs.copyFileSync(path.join(template, 'shared.cow'), cow);
  return { origin, cow };
}

/** The run's demo store, made by the first file that asks (a rename, so a file running alongside never sees half of it). */
function demoTemplate(): string {
  const template = path.join(os.tmpdir(), 'snapscope-e2e-demo-template');
  if (fs.existsSync(path.join(template, 'shared.cow'))) return template;
  const build = fs.mkdtempSync(`${template}-build-`);
  cli('demo', build);
  try {
    fs.renameSync(build, template);
  } catch {
    fs.rmSync(build, { recursive: true, force: true }); // another file made it first
  }
  return template;
}
