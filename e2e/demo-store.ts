import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
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

function hasCommand(name: string): boolean {
  return new RegExp(`^\\s+${name}\\s`, 'm').test(cli('--help'));
}

/**
 * A freshly generated demo store in `dir`: `snapscope demo` where the CLI has it; otherwise the
 * same shape built with `format` and `replay` (several snapshots, shared and unshared exceptions,
 * enough of them to split leaves).
 */
export function makeDemoStore(dir: string): { origin: string; cow: string } {
  const origin = path.join(dir, 'origin.img');
  const cow = path.join(dir, 'shared.cow');
  if (hasCommand('demo')) {
    cli('demo', dir);
    return { origin, cow };
  }
  fs.writeFileSync(origin, Buffer.alloc(0));
  fs.truncateSync(origin, 8 << 20);
  cli('format', cow, '--kind', 'shared', '--size', '16M', '--chunk-size', '4k');
  const lines: string[] = ['snap-create base'];
  for (let c = 0; c < 600; c += 3) lines.push(`origin-write ${c} ${(c % 250) + 1}`);
  lines.push('snap-create nightly');
  for (let c = 0; c < 900; c += 2) lines.push(`origin-write ${c} ${(c % 200) + 7}`);
  lines.push('snap-create before-upgrade');
  for (let c = 300; c < 700; c += 5) lines.push(`snap-write nightly ${c} 9`);
  for (let c = 500; c < 1200; c += 4) lines.push(`origin-write ${c} 42`);
  lines.push('snap-create scratch');
  for (let c = 100; c < 160; c++) lines.push(`snap-write scratch ${c} 77`);
  const script = path.join(dir, 'demo.script');
  fs.writeFileSync(script, `${lines.join('\n')}\n`);
  cli('replay', cow, '--origin', origin, '--script', script);
  return { origin, cow };
}
