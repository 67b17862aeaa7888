import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, type EngineClient } from '../../../src-core/api/contract.ts';
import type { EngineService } from '../../../src-main/host/engine-service.ts';
import { inProcess, tempDir } from '../fixtures.ts';

let service: EngineService;
let client: EngineClient;

afterEach(async () => {
  await service?.dispose();
});

// The node may exist (dmsetup's package makes it) where the kernel has no device-mapper.
const dmHere = /device-mapper/.test(fs.readFileSync('/proc/devices', 'utf8'));

describe('liveSnapshots through the API (this machine, and hosts through ssh)', () => {
  it('always reports this host: its snapshots, or in the tools’ words why there are none', async () => {
    ({ service, client } = inProcess(tempDir()));
    const { hosts } = await client.liveSnapshots({});
    expect(hosts.map((h) => h.host)).toEqual(['this host']);
    const here = hosts[0]!;
    if (dmHere) expect(here.state).toBe('ok');
    else expect(here).toMatchObject({ state: 'unavailable', snapshots: [], message: expect.stringMatching(/device-mapper is not available|needs root|not installed/) });
  });

  it('an unreachable host is an unavailable row with what ssh said, not an error and not a hang', async () => {
    ({ service, client } = inProcess(tempDir()));
    const t0 = Date.now();
    const { hosts } = await client.liveSnapshots({ hosts: ['nobody@127.0.0.1:1'] });
    const remote = hosts.find((h) => h.host === 'nobody@127.0.0.1:1')!;
    expect(remote.state).toBe('unavailable');
    expect(remote.message).toMatch(/ssh/);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('refuses anything ssh would take as an option or a second word', async () => {
    ({ service, client } = inProcess(tempDir()));
    for (const bad of ['-oProxyCommand=touch /tmp/x', 'a b', 'host;id', '']) {
      const e = await client.liveSnapshots({ hosts: [bad] }).catch((x: unknown) => x);
      expect(e, bad).toBeInstanceOf(ApiError);
      expect((e as ApiError).code).toBe('bad-request');
    }
  });
});
