/**
 * listDevices with a host: that machine's block devices as its helper reports them (LIST_BLOCK),
 * the store format read by the helper. The helper here is the real one in a real process, reached
 * as the live suite reaches its guest (liveLaunchers); through OpenSSH it is ssh-transport.test.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createClient, type EngineClient } from '../../../src-core/api/contract.ts';
import { EngineService } from '../../../src-main/host/engine-service.ts';
import { HelperDevice } from '../../../src-main/host/helper-device.ts';
import { persistentPair, tempDir } from '../fixtures.ts';

const HELPER = path.resolve(import.meta.dirname, '../../../src-main/helper/run-helper.mjs');
const skip = process.getuid?.() !== 0 ? 'needs root (loop devices)' : null;

describe.skipIf(skip !== null)(`listDevices of another host${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let service: EngineService;
  let client: EngineClient;
  let loop: string;
  let other: string;

  beforeAll(() => {
    const dir = tempDir();
    const { cow } = persistentPair(dir);
    loop = execFileSync('losetup', ['-f', '--show', '-r', cow], { encoding: 'utf8' }).trim();
    const plain = path.join(dir, 'plain.img');
    fs.writeFileSync(plain, Buffer.alloc(1 << 16, 0x5a));
    other = execFileSync('losetup', ['-f', '--show', '-r', plain], { encoding: 'utf8' }).trim();
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
    if (other) spawnSync('losetup', ['-d', other]);
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

  it('the helper says only which asked-for magic a device holds, never its bytes', () => {
    const link = HelperDevice.connect({ method: 'the test helper', command: process.execPath, args: [HELPER] }, 'far');
    try {
      const magic = (known: number[], dev: string): number | null | undefined => link.listBlock(known).find((d) => `/dev/${d.name}` === dev)?.magic;
      expect(magic([0x5a5a5a5a], other)).toBe(0x5a5a5a5a);
      expect(magic([], other)).toBe(0); // not asked about: not told
      expect(magic([], loop)).toBe(0);
    } finally {
      link.close();
    }
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
