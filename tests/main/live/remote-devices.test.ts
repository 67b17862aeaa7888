/**
 * listDevices with a host: that machine's block devices as its helper reports them (LIST_BLOCK),
 * the store format read by the helper. The helper here is the real one in a real process, reached
 * as the live suite reaches its guest (liveLaunchers); through OpenSSH it is ssh-transport.test.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createClient, type EngineClient } from '../../../src-core/api/contract.ts';
import { EngineService } from '../../../src-main/host/engine-service.ts';
import { persistentPair, tempDir } from '../fixtures.ts';

const HELPER = path.resolve(import.meta.dirname, '../../../src-main/helper/run-helper.mjs');
const skip = process.getuid?.() !== 0 ? 'needs root (loop devices)' : null;

describe.skipIf(skip !== null)(`listDevices of another host${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let service: EngineService;
  let client: EngineClient;
  let loop: string;

  beforeAll(() => {
    const dir = tempDir();
    const { cow } = persistentPair(dir);
    loop = execFileSync('losetup', ['-f', '--show', '-r', cow], { encoding: 'utf8' }).trim();
    service = new EngineService({
      mode: 'local',
      version: 'test',
      dataDir: dir,
      helper: { launcher: null, note: 'tests' },
      liveLaunchers: { far: { method: 'the test helper', command: process.execPath, args: [HELPER] } },
    });
    client = createClient(service);
  });

  afterAll(async () => {
    if (loop) spawnSync('losetup', ['-d', loop]);
    await service?.dispose();
  });

  it('lists that host’s loop device with the store format its helper read, each device naming the host', async () => {
    const res = await client.listDevices({ host: 'far' });
    expect(res.host).toBe('far');
    expect(res.images).toEqual([]);
    const dev = res.devices.find((d) => d.path === loop);
    expect(dev).toMatchObject({ type: 'loop', sizeBytes: 1 << 20, readOnly: true, format: 'persistent', readable: true, host: 'far' });
    expect(res.devices.every((d) => d.host === 'far')).toBe(true);
    // The local list names no host.
    const here = await client.listDevices({});
    expect(here.host).toBeUndefined();
    expect(here.devices.find((d) => d.path === loop)).toMatchObject({ format: 'persistent' });
    expect(here.devices.every((d) => d.host === undefined)).toBe(true);
  });

  it('an unreachable host is one clear error naming ssh, quickly', async () => {
    const t0 = Date.now();
    const e = await client.listDevices({ host: 'nobody@127.0.0.1:1' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).message).toMatch(/nobody@127\.0\.0\.1:1: could not start the privileged helper through ssh/);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('refuses a host ssh would read as an option', async () => {
    const e = await client.listDevices({ host: '-oProxyCommand=id' }).catch((x: unknown) => x);
    expect((e as ApiError).code).toBe('bad-request');
  });
});
