import fs from 'node:fs';
import { SnapscopeError } from '../../src-core/errors.ts';
import type { BlockDevice } from '../../src-core/io/block-device.ts';
import { checkRange } from '../../src-core/io/memory-device.ts';
import { blockDeviceBytes } from './access/block-info.ts';
import { DirectWriter } from './direct-writer.ts';

export interface FileDeviceOptions {
  write?: boolean;
  /** O_EXCL on a block device: the kernel refuses when it is mounted or held by device-mapper. */
  exclusive?: boolean;
  /** What its errors call it, when not `path` (an output's temporary file is named by its target). */
  name?: string;
}

/**
 * Opening files: src-main/host/access/ (inputs.ts, outputs.ts) is the one way in for commands, the
 * server and the helper's client; it checks the target, takes the lock and then opens through here.
 */

/** A read slower than this waited on the disk (one from the page cache takes a few microseconds). */
const SLOW_READ_MS = 0.05;
/** Hints followed after reads that waited: enough to keep reads in flight until the next ones that do. */
const PREFETCH_BUDGET = 64;
/** While no read has waited, one read in this many is timed: two clock reads cost a tenth of a read from the page cache. */
const TIME_ONE_IN = 8;
/** Where prefetched bytes land: only the page cache keeps them (concurrent reads may overwrite each other here). */
let scratch = new Uint8Array(0);

/** A regular file or block device opened with synchronous positional I/O. */
export class FileDevice implements BlockDevice {
  readonly readOnly: boolean;
  private bytes: number;
  private fd: number | null;
  private readonly onClose: (() => void)[] = [];
  /** The O_DIRECT descriptor of writeThrough: undefined until first used, null where refused. */
  private direct: DirectWriter | null | undefined;
  /** Prefetch hints still to follow: two reads in a row that waited on the disk set it, each hint followed uses one. */
  private prefetchBudget = 0;
  /** Timed reads in a row that took longer than SLOW_READ_MS (one alone may have been preempted, not waiting on the disk). */
  private slowReads = 0;
  /** A prefetch hint came: reads are timed from then on, to follow hints when they wait on the disk. */
  private hinted = false;
  private reads = 0;

  private constructor(
    readonly name: string,
    fd: number,
    size: number,
    readOnly: boolean,
  ) {
    this.fd = fd;
    this.bytes = size;
    this.readOnly = readOnly;
  }

  static open(path: string, options: FileDeviceOptions = {}): FileDevice {
    const write = options.write === true;
    let flags = write ? fs.constants.O_RDWR : fs.constants.O_RDONLY;
    if (options.exclusive) flags |= fs.constants.O_EXCL;
    let fd: number;
    try {
      fd = fs.openSync(path, flags);
    } catch (e) {
      throw openError(path, e, write);
    }
    try {
      const st = fs.fstatSync(fd);
      if (st.isDirectory()) throw new SnapscopeError('usage', `${path} is a directory, not an image or device`, { device: path });
      const size = st.isBlockDevice() ? blockDeviceBytes(st.rdev) : st.size;
      return new FileDevice(options.name ?? path, fd, size, !write);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  get size(): number {
    return this.bytes;
  }

  /** Sets the length of a regular file opened for writing (sparse when it grows). */
  resize(bytes: number): void {
    if (this.readOnly || !fs.fstatSync(this.handle()).isFile()) throw new SnapscopeError('usage', `${this.name}: only an image file opened for writing can be resized`, { device: this.name });
    this.io(() => fs.ftruncateSync(this.handle(), bytes), bytes);
    this.bytes = bytes;
  }

  // read, write and writev run once per block a store reads or writes (several per insert past
  // the cache): each is one positional call in a try, with no closure or copy around it.
  read(offset: number, dst: Uint8Array): void {
    const fd = this.handle();
    checkRange(this, offset, dst.length);
    // Reads are timed only for a walk that hints ahead (see prefetch), and then one in TIME_ONE_IN
    // until one is slow; random reads take no clock.
    const timed = this.hinted && (this.slowReads > 0 || this.reads++ % TIME_ONE_IN === 0);
    const started = timed ? performance.now() : 0;
    let done = 0;
    while (done < dst.length) {
      let n: number;
      try {
        n = fs.readSync(fd, dst, done, dst.length - done, offset + done);
      } catch (e) {
        throw this.ioError(e, offset);
      }
      if (n === 0) throw new SnapscopeError('io', `unexpected end of ${this.name} at offset ${offset + done}`, { device: this.name, offset: offset + done });
      done += n;
    }
    if (!timed) return;
    this.slowReads = performance.now() - started > SLOW_READ_MS ? this.slowReads + 1 : 0;
    if (this.slowReads >= 2) this.prefetchBudget = PREFETCH_BUDGET;
  }

  /**
   * BlockDevice.prefetch: reads the range on libuv's thread pool (several in flight) into a scratch
   * buffer, so the page cache holds it when `read` asks. Followed only while reads wait on the disk:
   * from the page cache a hint costs more than the read it would save.
   */
  prefetch(offset: number, bytes: number): void {
    this.hinted = true;
    if (this.prefetchBudget === 0 || this.fd === null || offset < 0 || offset + bytes > this.bytes) return;
    this.prefetchBudget--;
    if (scratch.length < bytes) scratch = new Uint8Array(bytes);
    fs.read(this.fd, scratch, 0, bytes, offset, () => {});
  }

  write(offset: number, src: Uint8Array): void {
    const fd = this.writable();
    checkRange(this, offset, src.length);
    let done = 0;
    while (done < src.length) {
      try {
        done += fs.writeSync(fd, src, done, src.length - done, offset + done);
      } catch (e) {
        throw this.ioError(e, offset);
      }
    }
  }

  /** Consecutive blocks in one pwritev (a commit's shadowed path usually lands in adjacent chunks). */
  writev(offset: number, parts: readonly Uint8Array[]): void {
    const fd = this.writable();
    let total = 0;
    for (let i = 0; i < parts.length; i++) total += parts[i]!.length;
    checkRange(this, offset, total);
    let done: number;
    try {
      done = fs.writevSync(fd, parts as Uint8Array[], offset);
    } catch (e) {
      throw this.ioError(e, offset);
    }
    if (done === total) return;
    // A short write: finish part by part from where it stopped.
    let at = 0;
    for (const p of parts) {
      if (at + p.length > done) this.write(offset + at + Math.max(0, done - at), p.subarray(Math.max(0, done - at)));
      at += p.length;
    }
  }

  /** Bulk writes (merges) past the page cache where the file system allows O_DIRECT and the write is page-aligned; else `write`. */
  writeThrough(offset: number, src: Uint8Array): void {
    if (this.readOnly) throw new SnapscopeError('read-only', `${this.name} is open read-only`, { device: this.name });
    checkRange(this, offset, src.length);
    if (DirectWriter.fits(offset, src.length)) {
      if (this.direct === undefined) this.direct = DirectWriter.open(this.handle());
      const direct = this.direct;
      if (direct && this.io(() => direct.write(offset, src), offset)) return;
    }
    this.write(offset, src);
  }

  /** A buffer writeThrough writes without copying it first (its O_DIRECT bounce buffer), once one exists; valid until the next writeThrough. */
  throughBuffer(bytes: number): Uint8Array | null {
    return this.direct?.buffer(bytes) ?? null;
  }

  flush(): void {
    if (!this.readOnly) this.io(() => fs.fsyncSync(this.handle()), 0);
  }

  close(): void {
    if (this.fd === null) return;
    this.direct?.close();
    this.direct = undefined;
    fs.closeSync(this.fd);
    this.fd = null;
    for (const f of this.onClose.splice(0)) f();
  }

  /** Runs `f` once, after the descriptor is closed (its locks are then released). */
  whenClosed(f: () => void): void {
    this.onClose.push(f);
  }

  /** The open descriptor, for locks and probes of the access layer. */
  handle(): number {
    if (this.fd === null) throw new SnapscopeError('io', `${this.name} is closed`, { device: this.name });
    return this.fd;
  }

  /** The descriptor to write through; refuses on a device opened read-only (or closed). */
  private writable(): number {
    if (this.readOnly) throw new SnapscopeError('read-only', `${this.name} is open read-only`, { device: this.name });
    return this.handle();
  }

  private io<T>(op: () => T, offset: number): T {
    try {
      return op();
    } catch (e) {
      throw this.ioError(e, offset);
    }
  }

  private ioError(e: unknown, offset: number): SnapscopeError {
    return ioError(this.name, e, offset);
  }
}

/** What a failed read or write of `device` at `offset` throws (a SnapscopeError passes as it is). */
export function ioError(device: string, e: unknown, offset: number): SnapscopeError {
  if (e instanceof SnapscopeError) return e;
  return new SnapscopeError('io', `I/O error on ${device} at offset ${offset}: ${(e as Error).message}`, { device, offset });
}

function openError(path: string, e: unknown, write: boolean): SnapscopeError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new SnapscopeError('not-found', `${path}: no such file or device`, { device: path });
  if (code === 'EACCES' || code === 'EPERM')
    return new SnapscopeError('io', `${path}: permission denied (opening for ${write ? 'write' : 'read'})`, { device: path });
  if (code === 'EROFS') return new SnapscopeError('read-only', `${path} is on a read-only filesystem; cannot open it for writing`, { device: path });
  if (code === 'EBUSY') return new SnapscopeError('in-use', `${path} is in use (mounted, or held by device-mapper)`, { device: path });
  return new SnapscopeError('io', `${path}: ${(e as Error).message}`, { device: path });
}
