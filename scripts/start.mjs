#!/usr/bin/env node
// `npm start` (docs/adr/0001): the Electron app where its binary is present and a display exists
// (fetching the binary once, bounded, when it is missing); otherwise `snapscope serve`, which
// prints the URL to open.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const p = require('electron'); // the package's main is the binary's path (throws when missing)
    return typeof p === 'string' && fs.existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

const display = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
let binary = electronBinary();
if (display && !binary) {
  process.stderr.write('snapscope: fetching the Electron binary (20 s at most)...\n');
  spawnSync(process.execPath, [path.join(root, 'node_modules/electron/install.js')], { stdio: 'inherit', timeout: 20_000 });
  binary = electronBinary();
}

if (display && binary) {
  const built = spawnSync(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (built.status === 0) {
    supervise(spawn(binary, [root], { stdio: 'inherit' }));
  } else serve('building the Electron app failed');
} else serve(display ? 'no Electron binary (offline?)' : 'no display');

function serve(why) {
  process.stderr.write(`snapscope: ${why}; serving the UI in the browser instead\n`);
  supervise(spawn(process.execPath, [path.join(root, 'bin/snapscope.mjs'), 'serve', ...process.argv.slice(2)], { stdio: 'inherit' }));
}

/**
 * SIGINT and SIGTERM go to the child (a terminal's Ctrl-C reaches it anyway; `kill` and service
 * managers only signal us), and we exit as it does: its code, or 128 + the signal that ended it.
 */
function supervise(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0)));
}
