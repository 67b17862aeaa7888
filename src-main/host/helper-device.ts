import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SnapscopeError } from '../../src-core/errors.ts';
import type { BlockDevice } from '../../src-core/io/block-device.ts';
import { checkRange } from '../../src-core/io/memory-device.ts';
import type { BlockReportEntry } from '../helper/block-report.mjs';
import type { DmReport } from '../helper/dm-report.mjs';
import { ERR, OP, OPEN_FLAG, READY, SHARED_LOCK, frame, readFrame, writeAll } from '../helper/protocol.mjs';
import type { LockResult } from '../helper/write-lock.mjs';
import { childProcess } from './child-process.ts';

/** How to start the helper as root: a command line that ends with the helper's own arguments. */
export interface HelperLauncher {
  /** 'pkexec' or 'sudo', for messages. */
  method: string;
  command: string;
  args: string[];
}

const CHUNK = 8 * 1024 * 1024;

/**
 * A BlockDevice served by the privileged helper. The engine is synchronous, so requests and
 * replies go through two named FIFOs we open ourselves: blocking fds that fs.readSync/writeSync can
 * wait on (the pipes child_process creates are non-blocking and event-loop driven). The reply FIFO
 * is held only by the helper for writing, so a helper that dies gives end-of-file, not a hang; the
 * request FIFO only by us, so the helper ends when we do.
 */
export class HelperDevice implements BlockDevice {
  readonly readOnly: boolean;
  /** How a reader's shared flock went, when one was asked for: the helper holds it until the device is closed. */
  sharedLock: LockResult | null = null;
  private sizeBytes = 0;
  private closed = false;
  private readonly onClose: (() => void)[] = [];

  private constructor(
    readonly name: string,
    private readonly requests: number,
    private readonly replies: number,
    private readonly dir: string,
    private readonly stderrPath: string,
    readOnly: boolean,
  ) {
    this.readOnly = readOnly;
  }

  get size(): number {
    return this.sizeBytes;
  }

  /**
   * Opens `devicePath` through the helper. `direct` reads with O_DIRECT (read-only): for a live COW
   * that the kernel writes under the page cache (helper/direct-read.mjs). `shared`: a reader's
   * shared flock, held by the helper while the device is open (sharedLock says how it went).
   */
  static open(launcher: HelperLauncher, devicePath: string, options: { write?: boolean; direct?: boolean; shared?: boolean } = {}): HelperDevice {
    const write = options.write === true;
    const dev = HelperDevice.connect(launcher, devicePath, write, devicePath);
    try {
      const flags = (write ? OPEN_FLAG.WRITE : 0) | (options.direct ? OPEN_FLAG.DIRECT : 0) | (options.shared ? OPEN_FLAG.SHARED : 0);
      const body = Buffer.concat([Buffer.from([flags]), Buffer.from(devicePath, 'utf8')]);
      const reply = dev.request(OP.OPEN, body, 'open');
      dev.sizeBytes = Number(reply.readBigUInt64LE(0));
      // A helper of an older version answers the size alone: it took no lock.
      if (options.shared) dev.sharedLock = reply.length > 8 ? (SHARED_LOCK[reply[8]!] ?? 'unavailable') : 'unavailable';
      return dev;
    } catch (e) {
      dev.close();
      throw e;
    }
  }

  /**
   * A helper with no device open, for its machine-wide requests (listDm): one connection serves
   * every poll, so a watch of a remote host does not start a helper each second.
   */
  static connect(launcher: HelperLauncher, name: string, write = false, devicePath?: string): HelperDevice {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-helper-'));
    const reqPath = path.join(dir, 'req');
    const repPath = path.join(dir, 'rep');
    const errPath = path.join(dir, 'stderr');
    for (const p of [reqPath, repPath]) mkfifo(p);
    // Each FIFO end is held by one side only: the helper gets the request FIFO's read end and the
    // reply FIFO's write end, we keep the others. So the helper reads end-of-file when we close
    // or die (and exits, releasing the device), and we read end-of-file when it dies. A
    // temporary O_RDWR open (which never blocks on a FIFO) lets both plain opens return at once.
    const [reqChild, req] = fifoEnds(reqPath, fs.constants.O_RDONLY, fs.constants.O_WRONLY);
    const [rep, repChild] = fifoEnds(repPath, fs.constants.O_RDONLY, fs.constants.O_WRONLY);
    const err = fs.openSync(errPath, 'w');
    // The device is named on the helper's command line: the privilege prompt shows what it confirms.
    const child = childProcess().spawn(launcher.command, [...launcher.args, ...(devicePath ? [devicePath] : [])], { stdio: [reqChild, repChild, err], detached: false });
    child.on('error', () => undefined); // a launcher that cannot start shows as end-of-file on the replies
    child.unref();
    for (const fd of [reqChild, repChild, err]) fs.closeSync(fd);
    const dev = new HelperDevice(name, req, rep, dir, errPath, !write);
    try {
      const ready = dev.receive('start', launcher.method);
      if (ready.toString('utf8') !== READY) throw dev.failure('start', `unexpected greeting from the helper`);
      return dev;
    } catch (e) {
      dev.close();
      throw e;
    }
  }

  /** The device-mapper report of the helper's machine (helper/dm-report.mjs), e.g. a remote host's. */
  listDm(): DmReport {
    return JSON.parse(this.request(OP.LIST_DM, Buffer.alloc(0), 'list device-mapper targets').toString('utf8')) as DmReport;
  }

  /**
   * The block devices of the helper's machine (helper/block-report.mjs), e.g. a remote host's; each
   * device's magic is one of `known` or 0 (the helper tells nothing more of unconfirmed devices).
   */
  listBlock(known: readonly number[]): BlockReportEntry[] {
    const body = Buffer.alloc(4 * known.length);
    known.forEach((m, i) => body.writeUInt32LE(m, 4 * i));
    return JSON.parse(this.request(OP.LIST_BLOCK, body, 'list block devices').toString('utf8')) as BlockReportEntry[];
  }

  read(offset: number, dst: Uint8Array): void {
    checkRange(this, offset, dst.length);
    for (let done = 0; done < dst.length; done += CHUNK) {
      const n = Math.min(CHUNK, dst.length - done);
      const head = Buffer.alloc(12);
      head.writeBigUInt64LE(BigInt(offset + done), 0);
      head.writeUInt32LE(n, 8);
      const data = this.request(OP.READ, head, 'read');
      if (data.length !== n) throw this.failure('read', `short read at offset ${offset + done}`);
      dst.set(data, done);
    }
  }

  write(offset: number, src: Uint8Array): void {
    if (this.readOnly) throw new SnapscopeError('read-only', `${this.name} is open read-only`, { device: this.name });
    checkRange(this, offset, src.length);
    for (let done = 0; done < src.length; done += CHUNK) {
      const part = src.subarray(done, Math.min(src.length, done + CHUNK));
      const body = Buffer.alloc(8 + part.length);
      body.writeBigUInt64LE(BigInt(offset + done), 0);
      body.set(part, 8);
      this.request(OP.WRITE, body, 'write');
    }
  }

  flush(): void {
    this.request(OP.FLUSH, Buffer.alloc(0), 'flush');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      writeAll(fs, this.requests, frame(OP.CLOSE, Buffer.alloc(0)));
      // A writer, or a reader holding a shared flock, waits for the answer: the device is closed, its
      // O_EXCL and locks gone (a direct reader holds none, and one over ssh should not wait on the network).
      if (!this.readOnly || this.sharedLock === 'locked') readFrame(fs, this.replies);
    } catch {
      /* the helper is gone already */
    }
    fs.closeSync(this.requests); // the helper exits after answering CLOSE, or at end of file
    fs.closeSync(this.replies);
    fs.rmSync(this.dir, { recursive: true, force: true });
    for (const f of this.onClose.splice(0)) f();
  }

  /** Runs `f` once, after the device is closed (the helper then closes it, and its locks go). */
  whenClosed(f: () => void): void {
    this.onClose.push(f);
  }

  private request(op: number, body: Uint8Array, what: string): Buffer {
    if (this.closed) throw new SnapscopeError('io', `${this.name} is closed`, { device: this.name });
    writeAll(fs, this.requests, frame(op, body));
    return this.receive(what, null);
  }

  private receive(what: string, method: string | null): Buffer {
    const reply = readFrame(fs, this.replies);
    if (reply === null) {
      const why = method ? `could not start the privileged helper through ${method}` : 'the privileged helper exited';
      throw this.failure(what, why);
    }
    if (reply.tag === ERR) {
      const text = reply.body.toString('utf8');
      const code = text.slice(0, text.indexOf(' '));
      if (code === 'ELOCKED') throw new HelperLockedError(this.name, text.slice(code.length + 1));
      if (code === 'EFLOCKED') throw new HelperLockedError(this.name, null);
      const kind = code === 'EBUSY' ? 'in-use' : code === 'ENOTBLK' || code === 'EINVAL' ? 'usage' : 'io';
      throw new SnapscopeError(kind, `${this.name}: ${text.slice(code.length + 1)} (privileged helper, ${what})`, { device: this.name });
    }
    return reply.body;
  }

  private failure(what: string, why: string): SnapscopeError {
    let stderr = '';
    try {
      stderr = fs.readFileSync(this.stderrPath, 'utf8').trim();
    } catch {
      /* nothing written */
    }
    return new SnapscopeError('io', `${this.name}: ${why} (${what})${stderr ? `: ${stderr}` : ''}`, { device: this.name });
  }
}

/**
 * The helper refused to open a device for writing: another program holds a POSIX or OFD lock on
 * it (`foreign`: who, named by the helper, which as root sees every user's processes), or another
 * open file holds the exclusive flock (`foreign` null: a writer of ours or flock(1)). The caller,
 * which knows the device's role, says so as it does for its own opens (access/inputs.ts).
 */
export class HelperLockedError extends SnapscopeError {
  constructor(
    device: string,
    readonly foreign: string | null,
  ) {
    super('in-use', foreign === null ? `${device} is open for writing by another process` : `${device} is locked by ${foreign}`, { device });
  }
}

/** Opens a FIFO's two ends (flags `a`, `b`) without blocking on the other side. */
function fifoEnds(p: string, a: number, b: number): [number, number] {
  const both = fs.openSync(p, fs.constants.O_RDWR);
  try {
    return [fs.openSync(p, a), fs.openSync(p, b)];
  } finally {
    fs.closeSync(both);
  }
}

/** Node has no mkfifo; coreutils does. */
function mkfifo(p: string): void {
  if (childProcess().spawnSync('mkfifo', ['-m', '0600', p], { stdio: 'ignore' }).status !== 0) throw new SnapscopeError('io', `mkfifo ${p} failed`);
}
