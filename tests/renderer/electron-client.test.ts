// @vitest-environment jsdom
import { afterEach, expect, it } from 'vitest';
import { buildBridge } from '../../src-core/api/bridge.ts';
import { ApiError, BRIDGE_GLOBAL, METHODS, type ElectronBridge } from '../../src-core/api/contract.ts';
import { EngineService } from '../../src-main/host/engine-service.ts';
import { bridgeFromWindow, createElectronClient } from '../../src-renderer/client/electron-client.ts';
import { createAppStore } from '../../src-renderer/store/index.ts';
import { kernelFixture, tempDir, until } from './fixtures.ts';

let service: EngineService | undefined;
afterEach(async () => {
  delete (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL];
  await service?.dispose();
});

/**
 * What src-main/preload/index.ts exposes on `window.snapscope`, built by the same `buildBridge`:
 * here the IPC hop is the in-process engine.
 */
function preloadShapedBridge(engine: EngineService): ElectronBridge {
  return buildBridge({ invoke: (method, args) => engine.call(method, args), onEvent: (listener) => engine.subscribe(listener), pathForFile: () => '' });
}

it('the Electron client works over the bridge exactly as the preload exposes it: calls, errors and events', async () => {
  const dir = tempDir();
  service = new EngineService({ mode: 'local', version: 'test', dataDir: dir, helper: { launcher: null, note: 'renderer tests' } });
  (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL] = preloadShapedBridge(service);

  const bridge = bridgeFromWindow();
  expect(bridge).not.toBeNull();
  const client = createElectronClient(bridge!);
  expect((await client.hello({})).version).toBe('test');

  const store = createAppStore(client);
  const { cow, origin } = kernelFixture('p-basic-c8', dir);
  expect(await store.getState().openStore({ cow, origin })).toBe(true);
  expect(store.getState().info?.format).toBe('persistent');
  // Job events crossed the bridge: the open's Activity entry followed its job to the end.
  await until(store, (s) => s.activity.some((a) => a.kind === 'job' && a.status === 'ok'));

  // A refused call comes back as the contract's error, with its code.
  const error = await client.info({ session: 'no-such-session' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).code).toBe('unknown-session');
  const bad = await client.occupancy({ session: store.getState().session!.session, start: 5, end: 1, buckets: 1 }).catch((e: unknown) => e);
  expect((bad as ApiError).code).toBe('bad-request');
});

it('a bridge from another build (a method missing) is refused at boot, not on first use', () => {
  const partial: Record<string, unknown> = { onEvent: () => () => undefined };
  for (const method of METHODS.slice(1)) partial[method] = async () => ({ ok: true, result: {} });
  (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL] = partial;
  expect(bridgeFromWindow()).toBeNull();
  delete (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL];
  expect(bridgeFromWindow()).toBeNull();
});
