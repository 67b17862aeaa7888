import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { chooseHelper } from '../../src-main/host/helper-launch.ts';
import { SOURCE_HELPER, sudoHelperScript, type HelperPlaces } from '../../src-main/host/helper-path.ts';
import { tempDir } from './fixtures.ts';

/** What electron-builder.yml packages of src-main/helper (filter '*.mjs'): the script and its imports. */
const helperFiles = fs.readdirSync(path.dirname(SOURCE_HELPER)).filter((f) => f.endsWith('.mjs'));

/**
 * Where the helper is found: the source tree, the packaged app's resources (electron-builder
 * extraResources), the .deb's fixed path for pkexec, and an AppImage whose mount root cannot read.
 * Real files and a PATH of real executables stand in for each layout.
 */
function layout(): { dir: string; bin: string; places: HelperPlaces; tool(name: string): string; packaged(root: string): string } {
  const dir = tempDir();
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const tool = (name: string): string => {
    const p = path.join(bin, name);
    fs.writeFileSync(p, '#!/bin/sh\n', { mode: 0o755 });
    return p;
  };
  const packaged = (root: string): string => {
    fs.mkdirSync(path.join(root, 'helper'), { recursive: true });
    for (const f of helperFiles) fs.copyFileSync(path.join(path.dirname(SOURCE_HELPER), f), path.join(root, 'helper', f));
    return path.join(root, 'helper', 'run-helper.mjs');
  };
  return { dir, bin, tool, packaged, places: { resourcesPath: null, source: SOURCE_HELPER, installed: path.join(dir, 'usr-lib-snapscope-helper'), appDir: null } };
}
const plainNode = { electron: false, execPath: process.execPath };

it('from sources: sudo runs this Node with the helper of the checkout', () => {
  const l = layout();
  const sudo = l.tool('sudo');
  expect(chooseHelper({ PATH: l.bin }, true, l.places, plainNode)).toEqual({ launcher: { method: 'sudo', command: sudo, args: [process.execPath, SOURCE_HELPER] }, note: null });
  expect(chooseHelper({ PATH: l.bin }, false, l.places, plainNode).launcher?.args[0]).toBe('-n');
});

it('packaged app: the helper under resources/helper, run by the app binary as Node when there is no system node', () => {
  const l = layout();
  const sudo = l.tool('sudo');
  const resources = path.join(l.dir, 'opt', 'snapscope', 'resources');
  const script = l.packaged(resources);
  const places = { ...l.places, resourcesPath: resources, source: path.join(l.dir, 'app.asar', 'out', 'helper', 'run-helper.mjs') };
  const app = { electron: true, execPath: path.join(l.dir, 'opt', 'snapscope', 'snapscope') };
  expect(chooseHelper({ PATH: l.bin }, false, places, app).launcher).toEqual({ method: 'sudo', command: sudo, args: ['-n', 'env', 'ELECTRON_RUN_AS_NODE=1', app.execPath, script] });
  const node = l.tool('node');
  expect(chooseHelper({ PATH: l.bin }, false, places, app).launcher?.args).toEqual(['-n', node, script]);
  // Unpackaged Electron (development): resources has no helper, the checkout's is used.
  expect(sudoHelperScript({ ...l.places, resourcesPath: path.join(l.dir, 'electron-dist', 'resources') })).toBe(SOURCE_HELPER);
});

it('.deb: pkexec runs the installed wrapper, the path the polkit policy names', () => {
  const l = layout();
  const pkexec = l.tool('pkexec');
  l.tool('sudo');
  fs.writeFileSync(l.places.installed, '#!/bin/sh\n', { mode: 0o755 });
  expect(chooseHelper({ PATH: l.bin }, false, l.places, plainNode)).toEqual({ launcher: { method: 'pkexec', command: pkexec, args: [l.places.installed] }, note: null });
  const policy = fs.readFileSync(path.join(import.meta.dirname, '../../resources/linux/org.snapscope.helper.policy'), 'utf8');
  expect(policy).toContain('<annotate key="org.freedesktop.policykit.exec.path">/usr/lib/snapscope/snapscope-helper</annotate>');
  expect(fs.readFileSync(path.join(import.meta.dirname, '../../resources/linux/after-install.sh'), 'utf8')).toContain(' /usr/lib/snapscope/snapscope-helper');
});

it('AppImage: says pkexec cannot reach the helper, and gives sudo a copy outside the mount', () => {
  const l = layout();
  l.tool('pkexec');
  l.tool('sudo');
  const node = l.tool('node');
  const appDir = path.join(l.dir, 'mount_AppImage');
  const resources = path.join(appDir, 'resources');
  const inside = l.packaged(resources);
  const places = { ...l.places, resourcesPath: resources, appDir };
  const app = { electron: true, execPath: path.join(appDir, 'snapscope') };
  const choice = chooseHelper({ PATH: l.bin }, false, places, app);
  expect(choice.note).toMatch(/pkexec cannot run a helper inside the AppImage.*using sudo instead/);
  const script = choice.launcher!.args.at(-1)!;
  expect(choice.launcher!.args).toEqual(['-n', node, script]);
  expect(path.relative(appDir, script).startsWith('..')).toBe(true);
  for (const f of helperFiles) expect(fs.readFileSync(path.join(path.dirname(script), f))).toEqual(fs.readFileSync(path.join(path.dirname(inside), f)));
  // The staged copy runs: every module it imports came with it (it greets, then ends at end of input).
  const run = spawnSync(process.execPath, [script], { input: '' });
  expect(run.stderr.toString()).toBe('');
  expect(run.stdout.subarray(5).toString()).toBe('snapscope-helper 1');
  // No system node: the app binary is inside the mount too, so there is no helper: read-only.
  fs.rmSync(node);
  expect(chooseHelper({ PATH: l.bin }, false, places, app)).toEqual({
    launcher: null,
    note: expect.stringMatching(/inside the AppImage.*no Node that root can run.*read-only to you or unavailable/),
  });
});

it('neither pkexec nor sudo: no helper, and the note says what that means', () => {
  const l = layout();
  expect(chooseHelper({ PATH: l.bin }, false, l.places, plainNode)).toEqual({ launcher: null, note: expect.stringMatching(/no sudo: devices you cannot open are read-only/) });
});
