import fs from 'node:fs';
import { SnapscopeError } from '../../../src-core/errors.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { checkRange } from '../../../src-core/io/memory-device.ts';
import { DirectReader } from '../../helper/direct-read.mjs';
import { FileDevice, ioError } from '../file-device.ts';

/**
 * A device that the kernel is writing under us (a live COW), opened read-only with O_DIRECT so
 * that every read sees the disk, not pages cached before the kernel's last commit
 * (helper/direct-read.mjs says why). Never opened for writing.
 */
export class DirectDevice implements BlockDevice {
  readonly readOnly = true;
  private readonly onClose: (() => void)[] = [];

  private constructor(
    readonly name: string,
    readonly size: number,
    private fd: number | null,
    private readonly reader: DirectReader,
  ) {}

  static open(path: string): DirectDevice {
    // FileDevice knows how to size a block device and word open errors; then the same node again, direct.
    const probe = FileDevice.open(path);
    const size = probe.size;
    probe.close();
    let fd: number;
    try {
      fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_DIRECT);
    } catch (e) {
      throw new SnapscopeError('io', `${path}: cannot open for direct reads: ${(e as Error).message}`, { device: path });
    }
    try {
      return new DirectDevice(path, size, fd, new DirectReader(fs, fd));
    } catch (e) {
      fs.closeSync(fd);
      throw new SnapscopeError('io', `${path}: direct reads are not possible here: ${(e as Error).message}`, { device: path });
    }
  }

  read(offset: number, dst: Uint8Array): void {
    checkRange(this, offset, dst.length);
    if (this.fd === null) throw new SnapscopeError('io', `${this.name} is closed`, { device: this.name });
    try {
      this.reader.read(dst, 0, dst.length, offset);
    } catch (e) {
      throw ioError(this.name, e, offset);
    }
  }

  write(): void {
    throw new SnapscopeError('read-only', `${this.name} is open read-only (a live device is only ever read)`, { device: this.name });
  }

  flush(): void {}

  close(): void {
    if (this.fd === null) return;
    fs.closeSync(this.fd);
    this.fd = null;
    for (const f of this.onClose.splice(0)) f();
  }

  /** Runs `f` once, after the device is closed (its holder record goes then). */
  whenClosed(f: () => void): void {
    this.onClose.push(f);
  }
}
