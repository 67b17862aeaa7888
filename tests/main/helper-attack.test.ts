import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { HelperDevice, type HelperLauncher } from '../../src-main/host/helper-device.ts';
import { SOURCE_HELPER } from '../../src-main/host/helper-path.ts';
import { loadPolicy } from '../../src-main/helper/device-guard.mjs';

/**
 * The privileged helper attacked by the user it serves (issue 12, points 14–16): it runs as root
 * here, started directly (the sudo route is helper.test.ts), and is asked for devices it was not
 * started for, mounted devices, FIFOs and character devices behind a link that flips while it
 * opens, and it must end when its client is killed.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const why = process.getuid?.() !== 0 ? 'not root: cannot create loop devices (CI runs this as root)' : !fs.existsSync('/dev/loop-control') ? 'no loop devices here' : null;
const direct: HelperLauncher = { method: 'direct', command: process.execPath, args: [SOURCE_HELPER] };
/** A launcher started for `device` only, whatever device the client then asks it to open. */
const startedFor = (device: string): HelperLauncher => ({ method: 'direct', command: 'sh', args: ['-c', 'exec "$0" "$1" "$2"', process.execPath, SOURCE_HELPER, device] });

let dir: string;
const loops: string[] = [];
const mounts: string[] = [];
function loop(image: string): string {
  const dev = execFileSync('losetup', ['-f', '--show', image], { encoding: 'utf8' }).trim();
  loops.push(dev);
  return dev;
}
function image(name: string, bytes = 1 << 20): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, Buffer.alloc(bytes, 0x5a));
  return p;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-helper-attack-'));
});
afterAll(() => {
  for (const m of mounts.reverse()) spawnSync('umount', [m]);
  for (const l of loops) spawnSync('losetup', ['-d', l]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(why !== null)(`the privileged helper${why ? ` (skipped: ${why})` : ''}`, () => {
  it('reads the device it was started for', () => {
    const dev = loop(image('ok.img'));
    const h = HelperDevice.open(direct, dev);
    const buf = new Uint8Array(512);
    h.read(0, buf);
    h.close();
    expect(buf.every((b) => b === 0x5a)).toBe(true);
  });

  it('refuses a device it was not started for (point 14: the allow-list)', () => {
    const confirmed = loop(image('confirmed.img'));
    const other = loop(image('other.img'));
    expect(() => HelperDevice.open(startedFor(confirmed), other)).toThrow(/not confirmed/);
    const h = HelperDevice.open(startedFor(confirmed), confirmed);
    h.close();
  });

  const mkfsWhy = spawnSync('mkfs.ext4', ['-V']).status === 0 ? null : 'mkfs.ext4 is not installed (e2fsprogs)';
  it.skipIf(mkfsWhy !== null)(`refuses a device holding a mounted file system (point 14)${mkfsWhy ? ` (skipped: ${mkfsWhy})` : ''}`, () => {
    const img = image('ext4.img', 8 << 20);
    execFileSync('mkfs.ext4', ['-q', '-F', img]);
    const dev = loop(img);
    const mnt = path.join(dir, 'mnt');
    fs.mkdirSync(mnt);
    execFileSync('mount', ['-o', 'ro', dev, mnt]);
    mounts.push(mnt);
    expect(() => HelperDevice.open(direct, dev)).toThrow(/mounted/);
    spawnSync('umount', [mnt]);
    mounts.pop();
    HelperDevice.open(direct, dev).close(); // nothing mounted any more
  });

  it.skipIf(mkfsWhy !== null)('opens a busy device that holds a snapshot store (a COW under a live snapshot), read-only', () => {
    // Without device-mapper here, a mounted ext4 stands in for the live snapshot above a COW: its
    // first KiB is unused by ext4, so a store's magic there makes it "a device holding a store".
    const img = image('store-magic.img', 8 << 20);
    execFileSync('mkfs.ext4', ['-q', '-F', img]);
    const fd = fs.openSync(img, 'r+');
    const magic = Buffer.alloc(4);
    magic.writeUInt32LE(0x70416e53); // persistent "SnAp"
    fs.writeSync(fd, magic, 0, 4, 0);
    fs.closeSync(fd);
    const dev = loop(img);
    const mnt = path.join(dir, 'store-mnt');
    fs.mkdirSync(mnt);
    execFileSync('mount', ['-t', 'ext4', '-o', 'ro', dev, mnt]);
    mounts.push(mnt);
    const h = HelperDevice.open(direct, dev);
    const head = new Uint8Array(4);
    h.read(0, head);
    h.close();
    expect(Buffer.from(head).readUInt32LE(0)).toBe(0x70416e53);
    expect(() => HelperDevice.open(direct, dev, { write: true })).toThrow(); // mounted: O_EXCL refuses a writer
  });

  it.skipIf(mkfsWhy !== null)('refuses a whole disk one of whose partitions is mounted (point 14)', (ctx) => {
    const disk = image('disk.img', 8 << 20);
    writeMbr(disk, 2048, (8 << 20) / 512 - 2048);
    const whole = execFileSync('losetup', ['-f', '--show', '-P', disk], { encoding: 'utf8' }).trim();
    loops.push(whole);
    // The kernel lists the partition in sysfs; without udev its node may be missing, so make one.
    const name = path.basename(whole);
    const sysDev = `/sys/block/${name}/${name}p1/dev`;
    for (let i = 0; i < 20 && !fs.existsSync(sysDev); i++) spawnSync('sleep', ['0.1']);
    if (!fs.existsSync(sysDev)) return ctx.skip('this kernel does not scan partitions of loop devices here');
    const [major, minor] = fs.readFileSync(sysDev, 'utf8').trim().split(':');
    const part = path.join(dir, `${name}p1`);
    execFileSync('mknod', [part, 'b', major!, minor!]);
    execFileSync('mkfs.ext4', ['-q', '-F', part]);
    const pm = path.join(dir, 'pmnt');
    fs.mkdirSync(pm);
    execFileSync('mount', ['-o', 'ro', part, pm]);
    mounts.push(pm);
    expect(() => HelperDevice.open(direct, whole)).toThrow(/mounted .*through/);
  });

  it('refuses FIFOs, character devices and regular files named directly', () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const chr = path.join(dir, 'null');
    execFileSync('mknod', [chr, 'c', '1', '3']);
    for (const p of [fifo, chr, image('plain.img')]) expect(() => HelperDevice.open(direct, p), p).toThrow(/not a block device|not confirmed/);
  });

  const straceWhy = spawnSync('strace', ['-V']).status === 0 ? null : 'strace is not installed';
  it.skipIf(straceWhy !== null)(`never opens a FIFO or character device behind a link flipped during the open (point 16)${straceWhy ? ` (skipped: ${straceWhy})` : ''}`, async () => {
    const dev = loop(image('race.img'));
    const fifo = path.join(dir, 'race-fifo');
    execFileSync('mkfifo', [fifo]);
    const chr = path.join(dir, 'race-null');
    execFileSync('mknod', [chr, 'c', '1', '3']);
    const link = path.join(dir, 'flip');
    fs.symlinkSync(dev, link);
    // Another process swaps the link between the block device and the other nodes, atomically.
    const flipper = spawn(
      process.execPath,
      ['-e', `const fs=require('fs');const t=[${JSON.stringify(dev)},${JSON.stringify(fifo)},${JSON.stringify(dev)},${JSON.stringify(chr)}];const end=Date.now()+60000;for(let i=0;Date.now()<end;i++){const tmp=${JSON.stringify(link)}+'.'+(i%2);try{fs.unlinkSync(tmp)}catch{}fs.symlinkSync(t[i%4],tmp);fs.renameSync(tmp,${JSON.stringify(link)});}`],
      { stdio: 'ignore' },
    );
    const log = path.join(dir, 'strace.log');
    const traced: HelperLauncher = { method: 'strace', command: 'strace', args: ['-f', '-qq', '-y', '-e', 'trace=open,openat', '-o', log, process.execPath, SOURCE_HELPER] };
    const opened: string[] = [];
    let blockOpens = 0;
    try {
      for (let i = 0; i < 40; i++) {
        try {
          HelperDevice.open(traced, link).close();
          blockOpens++;
        } catch {
          /* refused: the link named something else at launch or open */
        }
        const text = fs.readFileSync(log, 'utf8');
        // -y shows what each returned descriptor is: any FIFO or char node opened without O_PATH ran its driver.
        for (const line of text.split('\n')) if (/= \d+<(.*)>$/.exec(line)?.[1]?.match(/race-(fifo|null)$/) && !line.includes('O_PATH')) opened.push(line);
        if (opened.length) break;
      }
    } finally {
      flipper.kill('SIGKILL');
    }
    expect(opened, 'the helper opened a non-block node (its driver ran as root)').toEqual([]);
    expect(blockOpens, 'never reached the block device: the race proved nothing').toBeGreaterThan(0);
  }, 120_000);

  it('exits when its client dies, releasing the device (point 15)', async () => {
    const dev = loop(image('death.img'));
    const client = path.join(dir, 'client.ts');
    fs.writeFileSync(
      client,
      `import { HelperDevice } from ${JSON.stringify(path.join(ROOT, 'src-main/host/helper-device.ts'))};\n` +
        `const h = HelperDevice.open(${JSON.stringify(direct)}, ${JSON.stringify(dev)}, { write: true });\n` +
        `process.stdout.write('open\\n');\nsetInterval(() => h.size, 1000);\n`,
    );
    // One process (tsx's CLI would run the script in a child that outlives a SIGKILL of the CLI).
    const child = spawn(process.execPath, ['--import', 'tsx', client], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('open') && resolve());
      child.once('exit', (c) => reject(new Error(`client exited ${c} before opening`)));
    });
    const helpers = helperPids(dev);
    expect(helpers.length).toBe(1);
    expect(() => FileDevice.open(dev, { write: true, exclusive: true })).toThrow(); // held O_EXCL by the helper
    child.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    while (helperPids(dev).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(helperPids(dev), 'the helper outlived its client').toEqual([]);
    FileDevice.open(dev, { write: true, exclusive: true }).close(); // released
  }, 30_000);
});

/** A DOS partition table with one Linux partition (no sfdisk needed). */
function writeMbr(file: string, start: number, sectors: number): void {
  const mbr = Buffer.alloc(512);
  mbr[446 + 4] = 0x83;
  mbr.writeUInt32LE(start, 446 + 8);
  mbr.writeUInt32LE(sectors, 446 + 12);
  mbr.writeUInt16LE(0xaa55, 510);
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, mbr, 0, 512, 0);
  fs.closeSync(fd);
}

/** Running helper processes started for `device`. */
function helperPids(device: string): number[] {
  const out: number[] = [];
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
      if (argv.some((a) => a.endsWith('run-helper.mjs')) && argv.includes(device) && state !== 'Z') out.push(Number(pid));
    } catch {
      /* exited */
    }
  }
  return out;
}

describe.skipIf(process.getuid?.() !== 0)('the admin-only policy (point 14)', () => {
  it('is trusted only from a root-owned regular file that only root can write', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-policy-'));
    try {
      const file = path.join(d, 'policy.json');
      fs.writeFileSync(file, '{"allowMounted": true}', { mode: 0o644 });
      fs.chmodSync(file, 0o644);
      expect(loadPolicy(file)).toEqual({ allowMounted: true });
      fs.chmodSync(file, 0o664); // group-writable: anyone in the group could lift the rule
      expect(loadPolicy(file)).toEqual({ allowMounted: false });
      fs.chmodSync(file, 0o644);
      fs.chownSync(file, 65534, 0); // not root's
      expect(loadPolicy(file)).toEqual({ allowMounted: false });
      fs.chownSync(file, 0, 0);
      const link = path.join(d, 'link.json');
      fs.symlinkSync(file, link);
      expect(loadPolicy(link)).toEqual({ allowMounted: false });
      expect(loadPolicy(path.join(d, 'missing.json'))).toEqual({ allowMounted: false });
      fs.writeFileSync(file, 'not json');
      expect(loadPolicy(file)).toEqual({ allowMounted: false });
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
