/**
 * The remote-host transport for real: OpenSSH's own server on 127.0.0.1 (started here, with
 * throwaway keys), a throwaway user allowed to run only the helper through sudo
 * (.ci/setup-ssh-test.sh), and snapscope's helper reached through `ssh` exactly as `--host` does:
 * a loop device listed and read through it, a store on a remote loop device found by listDevices,
 * and an unreachable host as one clear error.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../src-core/api/contract.ts';
import { EngineService } from '../../../src-main/host/engine-service.ts';
import { HelperDevice } from '../../../src-main/host/helper-device.ts';
import { sshLauncher } from '../../../src-main/host/live/remote.ts';
import { persistentPair } from '../fixtures.ts';
import { freePort, HELPER, SSH_USER as USER, sshdMissing, startSshd, type Sshd } from './sshd.ts';

const skip = sshdMissing();

describe.skipIf(skip !== null)(`the helper over ssh${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dir: string;
  let sshd: Sshd;
  let loop: string;
  let storeLoop: string;
  let image: string;
  let launcher: ReturnType<typeof sshLauncher>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh-transport-'));
    sshd = await startSshd(dir);
    image = path.join(dir, 'disk.img');
    fs.writeFileSync(image, crypto.randomBytes(1 << 20));
    loop = execFileSync('losetup', ['-f', '--show', '-r', image], { encoding: 'utf8' }).trim();
    storeLoop = execFileSync('losetup', ['-f', '--show', '-r', persistentPair(dir).cow], { encoding: 'utf8' }).trim();
    launcher = sshLauncher(`${USER}@127.0.0.1`, {
      remoteHelper: ['sudo', '-n', process.execPath, HELPER],
      sshOptions: ['-p', String(sshd.port), '-i', sshd.clientKey, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR'],
    });
  }, 60_000);

  afterAll(() => {
    if (loop) spawnSync('losetup', ['-d', loop]);
    if (storeLoop) spawnSync('losetup', ['-d', storeLoop]);
    sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists the remote block devices and says why it has no dm list', () => {
    const link = HelperDevice.connect(launcher, `${USER}@127.0.0.1`);
    try {
      const report = link.listDm();
      expect(Object.values(report.devices)).toContain(loop);
      // This kernel has no device-mapper: the reason travels instead of a list.
      expect(report.dmError?.code).toBe('ENODEV');
    } finally {
      link.close();
    }
  });

  it('listDevices with a host lists its loop devices through ssh, with the store format its helper read', async () => {
    const target = `${USER}@127.0.0.1`;
    const service = new EngineService({ mode: 'local', version: 'test', dataDir: dir, helper: { launcher: null, note: 'tests' }, liveLaunchers: { [target]: launcher } });
    try {
      const res = await createClient(service).listDevices({ host: target });
      expect(res.devices.find((d) => d.path === storeLoop)).toMatchObject({ type: 'loop', format: 'persistent', readable: true, host: target });
      expect(res.devices.find((d) => d.path === loop)).toMatchObject({ type: 'loop', format: 'unknown', sizeBytes: 1 << 20, host: target });
    } finally {
      await service.dispose();
    }
  });

  it('reads a remote loop device byte for byte', () => {
    const dev = HelperDevice.open(launcher, loop, { direct: true });
    try {
      expect(dev.size).toBe(1 << 20);
      const got = new Uint8Array(dev.size);
      dev.read(0, got);
      expect(Buffer.compare(Buffer.from(got), fs.readFileSync(image))).toBe(0);
    } finally {
      dev.close();
    }
  });

  it('an unreachable host is one clear error, quickly', async () => {
    const closed = await freePort();
    const t0 = Date.now();
    const dead = sshLauncher(`${USER}@127.0.0.1`, { sshOptions: ['-p', String(closed), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null'] });
    expect(() => HelperDevice.connect(dead, 'gone')).toThrow(/could not start the privileged helper through ssh .*Connection refused/);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });
});
