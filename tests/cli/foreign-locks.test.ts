import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openInput } from '../../src-main/host/access/inputs.ts';
import { lockTableName } from '../../src-main/host/access/lock.ts';
import { ROOT_DIR, cli, oneLine, tempDir } from './cli.ts';
import { foreignLock, untouched } from './foreign-lock.ts';
import { canLoop, loop, partitionedDisk, sharedVolume } from './safety-fixtures.ts';

// Other programs' fcntl locks (POSIX and OFD: qemu holds OFD locks on the images it runs), taken by
// real processes: a writer refuses the target, naming the holder; a reader warns and reads.

const BIN = path.join(ROOT_DIR, 'bin/snapscope.mjs');

const refusal = (role: string, file: string, pid: number, kind: 'OFD' | 'POSIX', name = 'qemu-system-x86'): string =>
  `snapscope: ${role} ${file} is locked by ${name} (pid ${pid}, ${kind} lock): refusing to write it`;

/** A volume plus what the writers below need: a dump of the store and a replay script. */
function volume(): { dir: string; origin: string; cow: string; dump: string; script: string } {
  const dir = tempDir();
  const { origin, cow } = sharedVolume(dir);
  const dump = path.join(dir, 'dump.json');
  expect(cli('dump', cow, '--out', dump).code).toBe(0);
  const script = path.join(dir, 'script');
  fs.writeFileSync(script, 'snap-create late\n');
  return { dir, origin, cow, dump, script };
}

describe('a writer refuses a target another program holds a POSIX or OFD lock on', () => {
  it("every writer of the COW, under a VM's shared OFD lock (qemu's \"in use\"): refused naming it, nothing written", async () => {
    const { origin, cow, dump, script } = volume();
    const pid = await foreignLock(cow, { kind: 'OFD', type: 'read', start: 100, len: 2 });
    const files = untouched(origin, cow);
    for (const argv of [
      ['write', cow, '--origin', origin, '-s', 'one', '--chunk', '9', '--fill', '1'],
      ['snapshot', 'create', cow, '--name', 'late'],
      ['snapshot', 'delete', cow, '--snapshot', 'one'],
      ['snapshot', 'rename', cow, '--snapshot', 'one', '--name', 'uno'],
      ['merge', cow, '--origin', origin, '-s', 'one'],
      ['replay', cow, '--origin', origin, '--script', script],
      ['repair', cow, '--in-place'],
      ['format', cow, '--kind', 'persistent', '--force'],
      ['restore', cow, '--dump', dump],
    ]) {
      const r = cli(...argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(oneLine(r), argv.join(' ')).toBe(refusal('COW', cow, pid, 'OFD'));
    }
    files.unchanged();
    expect(fs.existsSync(`${cow}.snapscope-backup`)).toBe(false);
  }, 120_000);

  it('backup-restore (undoing an in-place repair) too', async () => {
    const { cow } = volume();
    const fd = fs.openSync(cow, 'r+');
    fs.writeSync(fd, Buffer.alloc(1), 0, 1, 4096); // the bitmap's first byte: a repair rewrites it
    fs.closeSync(fd);
    expect(cli('repair', cow, '--in-place').code).toBe(0);
    const pid = await foreignLock(cow, { kind: 'OFD', type: 'read', start: 100, len: 2 });
    const files = untouched(cow);
    const r = cli('backup-restore', cow, '--backup', `${cow}.snapscope-backup`);
    expect(r.code).toBe(1);
    expect(oneLine(r)).toBe(refusal('COW', cow, pid, 'OFD'));
    files.unchanged();
  }, 60_000);

  it('the origin of a writer that writes it, under a POSIX write lock on one byte far out: refused; a snapshot write (origin read) goes on', async () => {
    const { origin, cow } = volume();
    const pid = await foreignLock(origin, { kind: 'POSIX', type: 'write', start: 1 << 30, len: 1, name: 'lvm' });
    const files = untouched(origin, cow);
    for (const argv of [
      ['write', cow, '--origin', origin, '-s', 'origin', '--chunk', '9', '--fill', '1'],
      ['merge', cow, '--origin', origin, '-s', 'one'],
    ]) {
      const r = cli(...argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(oneLine(r), argv.join(' ')).toBe(refusal('origin', origin, pid, 'POSIX', 'lvm'));
    }
    files.unchanged();
    // Writing a snapshot only reads the origin: a reader under a foreign write lock warns and reads.
    const r = cli('write', cow, '--origin', origin, '-s', 'one', '--chunk', '9', '--fill', '1');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`snapscope: warning: ${origin} is locked for writing by lvm (pid ${pid}, POSIX lock); what is read may be changing`);
  }, 60_000);

  it('a dry run of merge, format or restore says the run would be refused (as it says so for a target in use)', async () => {
    const { dir, origin, cow, dump } = volume();
    const pid = await foreignLock(cow, { kind: 'OFD', type: 'read', start: 100, len: 2 });
    const other = path.join(dir, 'other.img');
    fs.writeFileSync(other, Buffer.alloc(1 << 20, 3));
    const onOther = await foreignLock(other, { kind: 'OFD', type: 'write' });
    const files = untouched(origin, cow, other);
    for (const [argv, said] of [
      [['merge', cow, '--origin', origin, '-s', 'one', '--dry-run'], refusal('COW', cow, pid, 'OFD')],
      [['format', cow, '--kind', 'persistent', '--dry-run'], refusal('COW', cow, pid, 'OFD')],
      [['restore', cow, '--dump', dump, '--dry-run'], refusal('COW', cow, pid, 'OFD')],
      [['restore', other, '--dump', dump, '--data-from', cow, '--force', '--dry-run'], refusal('output', other, onOther, 'OFD')],
    ] as const) {
      const r = cli(...argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(oneLine(r), argv.join(' ')).toBe(said);
    }
    files.unchanged();
  }, 60_000);

  it('an output file that exists, even with --force', async () => {
    const { dir, origin, cow } = volume();
    const out = path.join(dir, 'out.img');
    fs.writeFileSync(out, Buffer.alloc(1 << 20, 7));
    const pid = await foreignLock(out, { kind: 'OFD', type: 'write' });
    const files = untouched(out);
    const r = cli('read', cow, '--origin', origin, '-s', 'one', '--out', out, '--force');
    expect(r.code).toBe(1);
    expect(oneLine(r)).toBe(refusal('output', out, pid, 'OFD'));
    files.unchanged();
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('out.img'))).toEqual(['out.img']); // no temporary file left
  }, 60_000);

  it.skipIf(!canLoop)('a block device a VM runs (its OFD lock on the device node): refused; needs root for a loop device', async () => {
    const { cow } = volume();
    const dev = loop(cow);
    const pid = await foreignLock(dev, { kind: 'OFD', type: 'read', start: 100, len: 2 });
    const files = untouched(cow);
    for (const argv of [['snapshot', 'create', dev, '--name', 'late'], ['format', dev, '--kind', 'persistent', '--force']]) {
      const r = cli(...argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(oneLine(r), argv.join(' ')).toBe(refusal('COW', dev, pid, 'OFD'));
    }
    files.unchanged();
  }, 60_000);

  it.skipIf(!canLoop)("a loop device over an image a VM runs, and a partition of a disk a VM runs: refused, naming the storage beneath (needs root)", async () => {
    const { cow } = volume();
    const dev = loop(cow);
    const pid = await foreignLock(cow, { kind: 'OFD', type: 'read', start: 100, len: 2 });
    const files = untouched(cow);
    let r = cli('snapshot', 'create', dev, '--name', 'late');
    expect(r.code).toBe(1);
    expect(oneLine(r)).toBe(`snapscope: COW ${dev} is locked by qemu-system-x86 (pid ${pid}, OFD lock) on ${cow} beneath it: refusing to write it`);
    files.unchanged();

    const { image, disk, parts } = partitionedDisk(tempDir());
    const onDisk = await foreignLock(disk, { kind: 'POSIX', type: 'read', name: 'fdisk' });
    const onImage = await foreignLock(image, { kind: 'OFD', type: 'read', start: 100, len: 2 });
    const before = untouched(image);
    r = cli('format', parts[0], '--kind', 'persistent', '--force');
    expect(r.code).toBe(1);
    expect(oneLine(r)).toBe(`snapscope: COW ${parts[0]} is locked by fdisk (pid ${onDisk}, POSIX lock) on ${disk} beneath it, qemu-system-x86 (pid ${onImage}, OFD lock) on ${image} beneath it: refusing to write it`);
    before.unchanged();
  }, 60_000);

  it.skipIf(!canLoop)('a whole disk a partition of which a VM runs: refused, naming the partition; a reader of the disk warns under its write lock (needs root)', async () => {
    const { disk } = partitionedDisk(tempDir());
    // The partition's node in /dev (devtmpfs makes it), which a VM would open.
    const part = `/dev/${path.basename(disk)}p1`;
    await expect.poll(() => fs.existsSync(part), { timeout: 10_000 }).toBe(true);
    const pid = await foreignLock(part, { kind: 'OFD', type: 'read', start: 100, len: 2 });
    const r = cli('format', disk, '--kind', 'persistent', '--force');
    expect(r.code).toBe(1);
    expect(oneLine(r)).toBe(`snapscope: COW ${disk} is locked by qemu-system-x86 (pid ${pid}, OFD lock) on ${part}, a partition of it: refusing to write it`);

    const writer = await foreignLock(part, { kind: 'POSIX', type: 'write', start: 0, len: 1, name: 'mkfs' });
    // The disk holds a partition table, not a store: the warning, then why the open failed.
    const read = cli('info', disk);
    expect(read.stderr.split('\n')[0]).toBe(`snapscope: warning: ${disk} is locked for writing by mkfs (pid ${writer}, POSIX lock) on ${part}, a partition of it; what is read may be changing`);
  }, 60_000);

  it('without perl (the lock is then looked for in /proc/locks): the same refusal', async () => {
    const { cow } = volume();
    const pid = await foreignLock(cow, { kind: 'POSIX', type: 'read' });
    // A PATH with flock(1) and nothing else: node is run by its absolute path.
    const bin = path.join(tempDir(), 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(spawnSync('sh', ['-c', 'command -v flock'], { encoding: 'utf8' }).stdout.trim(), path.join(bin, 'flock'));
    const files = untouched(cow);
    const r = spawnSync(process.execPath, [BIN, 'snapshot', 'create', cow, '--name', 'late'], { encoding: 'utf8', env: { ...process.env, PATH: bin } });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(refusal('COW', cow, pid, 'POSIX'));
    files.unchanged();
  }, 60_000);

  // The CLI run as nobody (setpriv, as root): only where nobody may read this checkout and its bundle.
  const SETPRIV = process.getuid?.() === 0 ? ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p)) : undefined;
  const asNobody = (home: string): string[] => ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', `HOME=${home}`, 'XDG_RUNTIME_DIR=', process.execPath, BIN];
  const nobodyRuns = SETPRIV !== undefined && spawnSync(SETPRIV, [...asNobody('/'), '--version'], { cwd: ROOT_DIR }).status === 0;
  it.skipIf(!nobodyRuns)("run by a user who may not read the holder's /proc/<pid>/fdinfo: the OFD lock's holder is unknown, the refusal the same (needs root, setpriv, a checkout nobody may read)", async () => {
    const { dir, cow } = volume();
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(cow, 0o666);
    await foreignLock(cow, { kind: 'OFD', type: 'read', start: 100, len: 2 });
    const files = untouched(cow);
    const r = spawnSync(SETPRIV!, [...asNobody(dir), 'snapshot', 'create', cow, '--name', 'late'], { encoding: 'utf8', cwd: ROOT_DIR });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toBe(`snapscope: COW ${cow} is locked by another process (an OFD lock, holder unknown): refusing to write it\n`);
    files.unchanged();
  }, 60_000);

  it("our own writer's locks are not another program's: a second writer is refused as by snapscope, a reader gets the writer's note", async () => {
    const { cow } = volume();
    const writer = openInput(cow, 'COW', true);
    try {
      // The writer holds an OFD write lock: a program that takes fcntl locks (qemu) backs off while it writes.
      await expect(foreignLock(cow, { kind: 'OFD', type: 'read', start: 100, len: 2 })).rejects.toThrow(/lock .*: Resource temporarily unavailable/);
      await expect(foreignLock(cow, { kind: 'POSIX', type: 'read' })).rejects.toThrow(/Resource temporarily unavailable/);
      const w = cli('snapshot', 'create', cow, '--name', 'late');
      expect(w.code).toBe(1);
      expect(oneLine(w)).toMatch(/is open for writing by .*\(pid \d+\); nothing was written/);
      // Another user's runtime directory: the reader sees no record, only the kernel's locks.
      const env = { ...process.env, XDG_RUNTIME_DIR: tempDir() };
      const r = spawnSync(process.execPath, [BIN, 'info', cow], { encoding: 'utf8', env });
      expect(r.status).toBe(0);
      expect(r.stderr).toBe(`snapscope: note: ${cow} is open for writing by another process; reading its last committed state\n`);
    } finally {
      writer.dev.close();
    }
  });
});

/** A VM that never runs (-S: paused before its first instruction) with `image` as its virtio disk: qemu locks it as any VM does. */
const QEMU = ['/usr/bin/qemu-system-x86_64', '/usr/local/bin/qemu-system-x86_64'].find((p) => fs.existsSync(p));
const vmArgs = (image: string): string[] => ['-S', '-nodefaults', '-display', 'none', '-machine', 'q35,accel=tcg', '-m', '32', '-drive', `file=${image},format=raw,if=none,id=d0`, '-device', 'virtio-blk-pci,drive=d0'];

/** Whether /proc/locks lists an OFD lock on `file`. */
function ofdLocked(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  const name = lockTableName(fd);
  fs.closeSync(fd);
  return fs.readFileSync('/proc/locks', 'latin1').split('\n').some((l) => l.includes(' OFDLCK ') && l.includes(` ${name} `));
}

describe.skipIf(!QEMU)('a real VM (qemu-system-x86_64)', () => {
  it('on the store: a writer is refused naming qemu; a VM started while snapscope writes is refused by qemu', async () => {
    const { cow } = volume();
    const writer = openInput(cow, 'COW', true);
    try {
      const r = spawnSync(QEMU!, vmArgs(cow), { encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).not.toBe(0);
      expect(r.stderr).toMatch(/: Failed to lock byte \d+/); // qemu 7.2's words
    } finally {
      writer.dev.close();
    }
    const vm = spawn(QEMU!, vmArgs(cow), { stdio: 'ignore' });
    onTestFinished(() => void vm.kill('SIGKILL'));
    await expect.poll(() => ofdLocked(cow), { timeout: 30_000 }).toBe(true);
    const files = untouched(cow);
    const r = cli('snapshot', 'create', cow, '--name', 'late');
    expect(r.code).toBe(1);
    expect(oneLine(r)).toBe(refusal('COW', cow, vm.pid!, 'OFD'));
    files.unchanged();
  }, 90_000);
});

describe('a reader under a foreign lock', () => {
  it('a write lock (POSIX or OFD): one warning line naming the holder, then the output', async () => {
    const { cow } = volume();
    const posix = await foreignLock(cow, { kind: 'POSIX', type: 'write', start: 0, len: 512 });
    let r = cli('info', cow);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`snapscope: warning: ${cow} is locked for writing by qemu-system-x86 (pid ${posix}, POSIX lock); what is read may be changing\n`);
    expect(r.stdout).toMatch(/shared exception store/);

    const { cow: cow2 } = volume();
    const ofd = await foreignLock(cow2, { kind: 'OFD', type: 'write' });
    r = cli('info', cow2);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`snapscope: warning: ${cow2} is locked for writing by qemu-system-x86 (pid ${ofd}, OFD lock); what is read may be changing\n`);
  }, 60_000);

  it('a reader without a runtime directory (it takes a shared flock instead of a record) warns too', async () => {
    const { cow } = volume();
    const pid = await foreignLock(cow, { kind: 'OFD', type: 'write' });
    const env = { ...process.env, XDG_RUNTIME_DIR: path.join(cow, 'not-a-directory') };
    const r = spawnSync(process.execPath, [BIN, 'info', cow], { encoding: 'utf8', env });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`snapscope: warning: ${cow} is locked for writing by qemu-system-x86 (pid ${pid}, OFD lock); what is read may be changing\n`);
  }, 60_000);

  it.skipIf(!canLoop)('a loop device whose backing file another program writes: the warning names the file (needs root)', async () => {
    const { cow } = volume();
    const dev = loop(cow);
    const pid = await foreignLock(cow, { kind: 'POSIX', type: 'write', start: 0, len: 512 });
    const r = cli('info', dev);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`snapscope: warning: ${dev} is locked for writing by qemu-system-x86 (pid ${pid}, POSIX lock) on ${cow} beneath it; what is read may be changing\n`);
  }, 60_000);

  it('a read lock (a VM that only reads, another reader): no warning', async () => {
    const { cow } = volume();
    await foreignLock(cow, { kind: 'OFD', type: 'read', start: 100, len: 2 });
    await foreignLock(cow, { kind: 'POSIX', type: 'read' });
    const r = cli('info', cow);
    expect([r.code, r.stderr]).toEqual([0, '']);
  }, 60_000);
});
