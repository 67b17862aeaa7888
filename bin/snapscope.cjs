#!/usr/bin/env node
// `snapscope`: runs the CLI from a bundle that this script builds with esbuild on the first run and
// whenever a source is newer, cached in node_modules/.cache/snapscope-cli (ADR 0002: install
// scripts are off, so `npm ci` cannot build it). Each command is a file of its own holding the CLI
// and that command only, in CommonJS so that V8's code cache can be kept next to it (Node 20 has
// no compile cache for modules). This launcher is CommonJS too: an ES module entry costs Node's ESM
// loader (fs/promises, streams, readline) on every start. Runs where the cache cannot be written
// run from the sources via tsx. `serve`'s engine threads run from a bundle of their own built
// alongside (engine-worker.mjs, named to it by SNAPSCOPE_ENGINE_WORKER).
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

const root = path.resolve(__dirname, '..');
const cache = path.join(root, 'node_modules/.cache/snapscope-cli');
const stampFile = path.join(cache, 'stamp.json');

void main();

async function main() {
  const bundle = freshBundle() ?? (await buildOnce());
  if (bundle) {
    // serve's engine threads; set already (to '' for the sources, as bench:ui's reference does): left as it is.
    if (process.env.SNAPSCOPE_ENGINE_WORKER === undefined) process.env.SNAPSCOPE_ENGINE_WORKER = path.join(bundle, 'engine-worker.mjs');
    runCommonJs(path.join(bundle, entryFor(bundle, process.argv.slice(2))));
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await import(pathToFileURL(path.join(root, 'src-main/cli/main.ts')).href);
  }
}

/**
 * Runs a bundle file as CommonJS through vm.Script, with V8's code cache for it (`<file>.v8`):
 * compiling the bundle is most of its load time. The first run of each file writes the cache at
 * exit, so it holds the functions that run compiled too; a cache V8 rejects (another Node) is
 * rewritten.
 */
function runCommonJs(file) {
  const cacheFile = `${file}.v8`;
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // not written yet
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  if (!cachedData || script.cachedDataRejected) process.once('exit', () => writeAtomically(cacheFile, script.createCachedData()));
  const module = { exports: {} };
  script.runInThisContext()(module.exports, Module.createRequire(file), module, file, path.dirname(file));
}

/** Best effort: a cache that cannot be written is only a slower start next time. */
function writeAtomically(file, data) {
  const tmp = `${file}.${process.pid}`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}

/** The bundle's entry when every input is as it was when it was built, else null. */
function freshBundle() {
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
  } catch {
    return null;
  }
  // The bundles name their sources by absolute path (sourceFileUrls): a moved checkout rebuilds.
  if (stamp.root !== root) return null;
  // Every run stats every input (about 220, the engine bundle's among them): plain concatenation, path.join costs more than the stat.
  for (const [file, mtimeMs, size] of stamp.inputs) {
    const st = fs.statSync(`${root}/${file}`, { throwIfNoEntry: false });
    if (!st || st.mtimeMs !== mtimeMs || st.size !== size) return null;
  }
  return path.join(cache, stamp.dir);
}

/**
 * The file of the command argv names (its longest name that prefixes argv); help's for the rest
 * (no command, --version, --help, an unknown command: none of them loads a command).
 */
function entryFor(bundle, all) {
  // --json is global: it may come before the command (run.ts skips it there too).
  const argv = all.slice(Math.max(0, all.findIndex((a) => a !== '--json')));
  const routes = JSON.parse(fs.readFileSync(path.join(bundle, 'routes.json'), 'utf8'));
  for (let n = Math.min(argv.length, 2); n > 0; n--) {
    const file = routes[argv.slice(0, n).join(' ')];
    if (file) return file;
  }
  return routes.help;
}

/**
 * One build at a time (a test suite starts dozens of runs at once after an edit): the run that
 * creates the lock directory builds; the others wait for its stamp. A lock whose builder is gone
 * (Ctrl-C during the build), or older than a minute, is taken over. A failed build (a syntax
 * error while editing) falls back to the sources, which report it.
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
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') return null;
      if (abandoned(lock)) fs.rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const built = freshBundle();
      if (built) return built;
    }
  }
  try {
    return freshBundle() ?? (await build());
  } catch {
    return null;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function abandoned(lock) {
  const st = fs.statSync(lock, { throwIfNoEntry: false });
  if (!st) return false;
  if (Date.now() - st.mtimeMs > 60_000) return true;
  let pid;
  try {
    pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
  } catch {
    return false; // just created: the builder writes its pid next
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return e.code === 'ESRCH';
  }
}

/**
 * Bundles src-main/cli into a fresh directory: catalog.json (the version and every command's
 * descriptor, so parsing and help load no command), one file per command, routes.json (command
 * name to file); then points the stamp at it. Null when the cache is not writable.
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
  const { nodeBundleOptions, sourceFileUrls } = require('../scripts/esbuild-node.cjs');
  const common = nodeBundleOptions(root, out);
  // commands.js: every command, loaded here once to write their descriptors.
  const all = await esbuild.build({ ...common, entryPoints: { commands: 'src-main/cli/commands/index.ts' } });
  const { loadAll, modules } = await import(pathToFileURL(path.join(out, 'commands.js')).href);
  const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  const commands = await loadAll();
  fs.writeFileSync(path.join(out, 'catalog.json'), JSON.stringify({ version, commands }));
  // cmd-<file>.js: the CLI with one command, in one file: a run loads that command's code only.
  const files = [...new Set(Object.values(modules).map(([file]) => file))];
  // CommonJS (run by runCommonJs). import.meta.url is the source file's (serve finds the UI and
  // the helper beside its sources), but catalog.ts's is the bundle file's: catalog.json is beside it.
  const result = await esbuild.build({
    ...common,
    format: 'cjs',
    define: { 'import.meta.url': '__fileUrl' },
    banner: { js: 'const __fileUrl = require("node:url").pathToFileURL(__filename).href;' },
    entryPoints: Object.fromEntries(files.map((file) => [`cmd-${file}`, `command:${file}`])),
    plugins: [oneCommandEntries(modules), sourceFileUrls(root, ['src-main/cli/catalog.ts'])],
  });
  // engine-worker.mjs: serve's engine thread (src-main/host/worker.ts), ESM as a Worker loads it.
  const engine = await esbuild.build({ ...common, entryPoints: { 'engine-worker': 'src-main/host/worker.ts' }, outExtension: { '.js': '.mjs' }, plugins: [sourceFileUrls()] });
  const routes = Object.fromEntries(commands.flatMap((c) => [c.name, ...(c.aliases ?? [])].map((name) => [name, `cmd-${modules[c.name][0]}.js`])));
  fs.writeFileSync(path.join(out, 'routes.json'), JSON.stringify(routes));
  const bundled = [...Object.keys(all.metafile.inputs), ...Object.keys(result.metafile.inputs), ...Object.keys(engine.metafile.inputs)].filter((file) => !file.startsWith('command:'));
  const inputs = [...new Set([...bundled, 'package.json', 'bin/snapscope.cjs', 'scripts/esbuild-node.cjs'])].map((file) => {
    const st = fs.statSync(path.join(root, file));
    return [file, st.mtimeMs, st.size];
  });
  const tmp = `${stampFile}.${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify({ root, dir, inputs }));
  fs.renameSync(tmp, stampFile);
  removeOldBundles(dir);
  return out;
}

/** Entry `command:<file>`: run the CLI with that one command module. */
function oneCommandEntries(modules) {
  return {
    name: 'one-command-entries',
    setup(b) {
      b.onResolve({ filter: /^command:/ }, (a) => ({ path: a.path.slice('command:'.length), namespace: 'command' }));
      b.onLoad({ filter: /.*/, namespace: 'command' }, (a) => {
        const names = Object.entries(modules).filter(([, [file]]) => file === a.path);
        const lines = [`import { runCli } from './src-main/cli/run.ts';`, `import * as m from './src-main/cli/commands/${a.path}.ts';`];
        lines.push(`const exported = ${JSON.stringify(Object.fromEntries(names.map(([name, [, e]]) => [name, e])))};`, 'void runCli(async (name) => m[exported[name]]);');
        return { contents: lines.join('\n'), resolveDir: root, loader: 'ts' };
      });
    },
  };
}

/** Bundles other than this one, left by earlier builds; an hour old, so no run still loads them. */
function removeOldBundles(keep) {
  for (const name of fs.readdirSync(cache)) {
    const p = path.join(cache, name);
    if (name === keep || !name.startsWith('b-')) continue;
    if (Date.now() - fs.statSync(p).mtimeMs > 3600_000) fs.rmSync(p, { recursive: true, force: true });
  }
}
