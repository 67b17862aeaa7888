#!/usr/bin/env node
// `snapscope`: runs the CLI from a bundle that this script builds with esbuild on the first run and
// whenever a source is newer, cached in node_modules/.cache/snapscope-cli (ADR 0002: install
// scripts are off, so `npm ci` cannot build it). Each command is its own chunk, loaded only when
// it runs. `serve`, and any run where the cache cannot be written, run from the sources via tsx.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cache = path.join(root, 'node_modules/.cache/snapscope-cli');
const stampFile = path.join(cache, 'stamp.json');

// The server finds its UI, worker and helper next to its source files, and start-up time does not
// matter for it.
const main = process.argv[2] === 'serve' ? null : (freshBundle() ?? (await buildOnce()));
if (main) await import(pathToFileURL(main).href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(root, 'src-main/cli/main.ts')).href);
}

/** The bundle's entry when every input is as it was when it was built, else null. */
function freshBundle() {
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
  } catch {
    return null;
  }
  for (const [file, mtimeMs, size] of stamp.inputs) {
    let st;
    try {
      st = fs.statSync(path.join(root, file));
    } catch {
      return null;
    }
    if (st.mtimeMs !== mtimeMs || st.size !== size) return null;
  }
  return path.join(cache, stamp.dir, 'main.js');
}

/**
 * One build at a time (a test suite starts dozens of runs at once after an edit): the run that
 * creates the lock directory builds; the others wait for its stamp. A lock older than a minute
 * was left by a run that died, and is taken over.
 */
async function buildOnce() {
  const lock = path.join(cache, 'build.lock');
  try {
    fs.mkdirSync(cache, { recursive: true });
  } catch {
    return null;
  }
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') return null;
      if (Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 60_000) fs.rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const built = freshBundle();
      if (built) return built;
    }
  }
  try {
    return freshBundle() ?? (await build());
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Bundles src-main/cli into a fresh directory, writes catalog.json (version and every command's descriptor, so help and
 * parsing load no command), then points the stamp at it. Null when the cache is not writable.
 */
async function build() {
  const dir = `b-${process.pid}-${Date.now()}`;
  const out = path.join(cache, dir);
  try {
    fs.mkdirSync(out, { recursive: true });
  } catch {
    return null;
  }
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { main: 'src-main/cli/main.ts', commands: 'src-main/cli/commands/index.ts' },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    metafile: true,
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'error',
    chunkNames: '[name]-[hash]',
  });
  const { loadAll } = await import(pathToFileURL(path.join(out, 'commands.js')).href);
  const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  fs.writeFileSync(path.join(out, 'catalog.json'), JSON.stringify({ version, commands: await loadAll() }));
  const inputs = [...Object.keys(result.metafile.inputs), 'package.json'].map((file) => {
    const st = fs.statSync(path.join(root, file));
    return [file, st.mtimeMs, st.size];
  });
  const tmp = `${stampFile}.${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify({ dir, inputs }));
  fs.renameSync(tmp, stampFile);
  removeOldBundles(dir);
  return path.join(out, 'main.js');
}

/** Bundles other than this one, left by earlier builds; an hour old, so no run still loads them. */
function removeOldBundles(keep) {
  for (const name of fs.readdirSync(cache)) {
    const p = path.join(cache, name);
    if (name === keep || !name.startsWith('b-')) continue;
    if (Date.now() - fs.statSync(p).mtimeMs > 3600_000) fs.rmSync(p, { recursive: true, force: true });
  }
}
