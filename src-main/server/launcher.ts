import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { privateDir, writePrivate } from './runtime-dir.ts';

/**
 * `serve --open` without the token on any command line (every user can read /proc/PID/cmdline):
 * the tokened URL goes into a launcher page in the private runtime directory (mode 0600), and the
 * browser is started on that file, which forwards to the server. Removed when the server stops.
 */
export function openBrowser(runtimeDir: string, port: number, url: string, opener = 'xdg-open'): { page: string; remove(): void } {
  const page = path.join(privateDir(runtimeDir), `open-${port}.html`);
  writePrivate(page, launcherPage(url));
  const target = pathToFileURL(page).href;
  spawn(opener, [target], { stdio: 'ignore', detached: true })
    .on('error', () => process.stderr.write(`snapscope: could not start a browser; open ${target} (or the URL printed above)\n`))
    .unref();
  return { page, remove: () => fs.rmSync(page, { force: true }) };
}

function launcherPage(url: string): string {
  const attr = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return [
    '<!doctype html>',
    '<meta charset="utf-8">',
    '<meta name="referrer" content="no-referrer">',
    `<meta http-equiv="refresh" content="0;url=${attr}">`,
    '<title>snapscope</title>',
    `<p>Opening <a href="${attr}">snapscope</a>…</p>`,
    '',
  ].join('\n');
}
