/**
 * A real Linux guest with device-mapper for the live suite: qemu boots the kernel and initramfs
 * that guest/build.sh made, with the test's origin and COW as /dev/vda and /dev/vdb, and two
 * virtio-serial ports on Unix sockets: snapscope's privileged helper (reached exactly as through
 * ssh: a launcher command whose stdin/stdout are the byte stream) and a shell for the test's own
 * commands in the guest (dmsetup, dd).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { HelperLauncher } from '../../src-main/host/helper-device.ts';

export const GUEST_WORK = process.env.SNAPSCOPE_GUEST_WORK ?? '/var/tmp/snapscope-guest';
const REPO = path.resolve(import.meta.dirname, '../..');
/** Virtio-serial ports that each carry one helper at a time (guest/init.sh serves them all). */
const HELPER_PORTS = 6;

/** Why the live suite cannot run here, or null. */
export function guestMissing(): string | null {
  if (spawnSync('qemu-system-x86_64', ['--version'], { stdio: 'ignore' }).status !== 0) return 'qemu-system-x86_64 is not installed (CI installs it; see tests/live/guest/build.sh)';
  for (const f of ['vmlinuz', 'initramfs.cpio.gz']) {
    if (!fs.existsSync(path.join(GUEST_WORK, f))) return `the guest is not built: run bash tests/live/guest/build.sh (no ${path.join(GUEST_WORK, f)})`;
  }
  if (spawnSync('cpio', ['--version'], { stdio: 'ignore' }).status !== 0) return 'cpio is not installed';
  return null;
}

export class Guest {
  private shellBuffer = '';
  private waiting: { resolve: (r: { out: string; rc: number }) => void } | null = null;

  private constructor(
    readonly dir: string,
    private readonly qemu: ChildProcess,
    private readonly shell: net.Socket,
  ) {}

  /**
   * Boots with `disks` as /dev/vda, /dev/vdb, ... (raw image files the guest reads and writes);
   * `writesPerSecond` throttles a disk's writes in qemu, so that the guest's I/O to it (a kernel
   * merge copying back to the origin) takes long enough to be watched.
   */
  static async boot(disks: (string | { file: string; writesPerSecond: number })[]): Promise<Guest> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-guest-'));
    const initrd = path.join(dir, 'initrd');
    fs.writeFileSync(initrd, Buffer.concat([fs.readFileSync(path.join(GUEST_WORK, 'initramfs.cpio.gz')), helperArchive(dir)]));
    const args = [
      '-m', '1024', '-nographic', '-no-reboot', '-accel', 'tcg,thread=multi', '-smp', '2',
      '-kernel', path.join(GUEST_WORK, 'vmlinuz'), '-initrd', initrd,
      // no_timer_check: under a loaded host, emulation is too slow for the kernel's IO-APIC timer test (it panics).
      '-append', `console=ttyS0 panic=-1 loglevel=4 no_timer_check snapscope.helpers=${HELPER_PORTS}`,
      ...disks.flatMap((d) =>
        typeof d === 'string' ? ['-drive', `file=${d},format=raw,if=virtio`] : ['-drive', `file=${d.file},format=raw,if=virtio,throttling.iops-write=${d.writesPerSecond}`],
      ),
      '-device', 'virtio-serial-pci',
      ...Array.from({ length: HELPER_PORTS }, (_, n) => n).flatMap((n) => [
        '-chardev', `socket,id=helper${n},path=${path.join(dir, `helper${n}.sock`)},server=on,wait=off`,
        '-device', `virtserialport,chardev=helper${n},name=org.snapscope.helper.${n}`,
      ]),
      '-chardev', `socket,id=shell,path=${path.join(dir, 'shell.sock')},server=on,wait=off`,
      '-device', 'virtserialport,chardev=shell,name=org.snapscope.shell',
    ];
    // The console goes to a file: a pipe that nobody drains while a test blocks on the helper
    // would stall the guest.
    const consoleLog = path.join(dir, 'console.log');
    const out = fs.openSync(consoleLog, 'w');
    const qemu = spawn('qemu-system-x86_64', args, { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    const deadline = Date.now() + 300_000;
    while (!fs.readFileSync(consoleLog, 'utf8').includes('=== guest ready')) {
      if (qemu.exitCode !== null || Date.now() > deadline) {
        qemu.kill('SIGKILL');
        throw new Error(`the guest did not start:\n${fs.readFileSync(consoleLog, 'utf8').slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const shell = net.connect(path.join(dir, 'shell.sock'));
    await new Promise<void>((resolve, reject) => shell.once('connect', resolve).once('error', reject));
    const guest = new Guest(dir, qemu, shell);
    shell.on('data', (d: Buffer) => guest.onShell(d.toString('latin1')));
    return guest;
  }

  /** Runs one shell command line in the guest; resolves with its output and exit status. */
  async sh(command: string, timeoutMs = 120_000): Promise<{ out: string; rc: number }> {
    if (command.includes('\n')) throw new Error('one line at a time');
    const reply = new Promise<{ out: string; rc: number }>((resolve) => (this.waiting = { resolve }));
    this.shell.write(command + '\n');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`guest command timed out: ${command}\n${this.consoleTail()}`)), timeoutMs);
    });
    try {
      return await Promise.race([reply, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Like sh, but a non-zero status is an error carrying the output. */
  async run(command: string): Promise<string> {
    const r = await this.sh(command);
    if (r.rc !== 0) throw new Error(`guest: ${command} → ${r.rc}\n${r.out}`);
    return r.out;
  }

  /**
   * The helper in the guest, reached as a launcher like `ssh -T host sudo -n snapscope-helper`:
   * each start takes a free port of the guest's (guest/bridge.mjs), as each ssh session gets its
   * own channel, so up to HELPER_PORTS helpers can be open at once.
   */
  launcher(): HelperLauncher {
    return { method: 'qemu guest', command: process.execPath, args: [path.join(import.meta.dirname, 'guest/bridge.mjs'), this.dir] };
  }

  async shutdown(): Promise<void> {
    this.shell.destroy();
    this.qemu.kill('SIGKILL');
    await new Promise((r) => (this.qemu.exitCode !== null ? r(null) : this.qemu.once('exit', r)));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private consoleTail(): string {
    return fs.readFileSync(path.join(this.dir, 'console.log'), 'utf8').slice(-2000);
  }

  private onShell(text: string): void {
    this.shellBuffer += text;
    const m = /(^|\n)@@rc=(\d+)\n/.exec(this.shellBuffer);
    if (!m || !this.waiting) return;
    const out = this.shellBuffer.slice(0, m.index + m[1]!.length);
    this.shellBuffer = this.shellBuffer.slice(m.index + m[0].length);
    const w = this.waiting;
    this.waiting = null;
    w.resolve({ out, rc: Number(m[2]) });
  }
}

/**
 * The repository's helper and the guest's /init as a cpio appended to the initramfs (later
 * entries replace earlier ones), so the guest runs this checkout's code without a rebuild.
 */
function helperArchive(dir: string): Buffer {
  const stage = path.join(dir, 'stage');
  fs.mkdirSync(path.join(stage, 'snapscope'), { recursive: true });
  for (const f of fs.readdirSync(path.join(REPO, 'src-main/helper'))) {
    if (f.endsWith('.mjs')) fs.copyFileSync(path.join(REPO, 'src-main/helper', f), path.join(stage, 'snapscope', f));
  }
  fs.copyFileSync(path.join(import.meta.dirname, 'guest/prefork.mjs'), path.join(stage, 'snapscope', 'prefork.mjs'));
  fs.copyFileSync(path.join(import.meta.dirname, 'guest/init.sh'), path.join(stage, 'init'));
  fs.chmodSync(path.join(stage, 'init'), 0o755);
  const list = ['init', 'snapscope', ...fs.readdirSync(path.join(stage, 'snapscope')).map((f) => `snapscope/${f}`)].join('\n') + '\n';
  const cpio = spawnSync('cpio', ['-o', '-H', 'newc', '--quiet'], { cwd: stage, input: list, maxBuffer: 64 << 20 });
  if (cpio.status !== 0) throw new Error(`cpio failed: ${cpio.stderr.toString()}`);
  // Compressed like the base archive: the kernel then unpacks the two concatenated streams.
  return zlib.gzipSync(cpio.stdout);
}
