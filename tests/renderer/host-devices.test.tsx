// @vitest-environment jsdom
/**
 * The Start view's section per remote host: its devices and stores from its helper beside the
 * local ones, a store there opened read-only through it, and an unreachable host as a state with
 * ssh's reason. The "remote" helper is the real helper in a real process (liveLaunchers, as the live
 * suite reaches its guest); through OpenSSH it is tests/main/live/ssh-transport.test.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { createClient } from '../../src-core/api/contract.ts';
import { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { createAppStore } from '../../src-renderer/store/index.ts';
import { persistentPair } from '../main/fixtures.ts';
import { tempDir } from './fixtures.ts';

HTMLCanvasElement.prototype.getContext = (() => null) as never;

const HELPER = path.resolve(import.meta.dirname, '../../src-main/helper/run-helper.mjs');
const UNREACHABLE = 'nobody@127.0.0.1:1';
let service: EngineService | undefined;
let loop = '';

afterEach(async () => {
  cleanup();
  await service?.dispose();
  if (loop) spawnSync('losetup', ['-d', loop]);
  globalThis.localStorage?.clear();
});

it.skipIf(process.getuid?.() !== 0)('lists each added host’s devices and stores beside the local ones, opens a store there, and shows an unreachable host with why', async () => {
  const dir = tempDir();
  loop = execFileSync('losetup', ['-f', '--show', '-r', persistentPair(dir).cow], { encoding: 'utf8' }).trim();
  service = new EngineService({
    mode: 'local',
    version: 'test',
    dataDir: dir,
    helper: { launcher: null, note: 'renderer tests' },
    liveLaunchers: { far: { method: 'the test helper', command: process.execPath, args: [HELPER] } },
  });
  const store = createAppStore(createClient(service));
  store.getState().addLiveHost('far');
  store.getState().addLiveHost(UNREACHABLE);
  render(<App store={store} />);

  const far = await screen.findByRole('table', { name: 'Devices on far' });
  const row = (await within(far).findByText(loop)).closest('tr')!;
  expect(within(row).getByText('persistent')).toBeTruthy();
  expect(screen.getByRole('status', { name: 'far: reachable' })).toBeTruthy();
  // Beside this machine's list (here the same machine, so the same loop device, naming no host).
  const local = await screen.findByRole('table', { name: 'Devices and images' });
  expect(await within(local).findByText(loop)).toBeTruthy();

  const dead = await screen.findByRole('status', { name: `${UNREACHABLE}: unreachable` }, { timeout: 20_000 });
  const section = dead.closest('section')!;
  expect(within(section).getByRole('alert').textContent).toMatch(/could not start the privileged helper through ssh/);

  fireEvent.click(within(row).getByRole('button', { name: `Open far:${loop}` }));
  await screen.findByRole('heading', { name: 'Overview' }, { timeout: 20_000 });
  expect(store.getState().session?.write).toBe(false);
}, 40_000);
