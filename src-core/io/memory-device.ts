import { SnapscopeError } from '../errors.ts';
import type { BlockDevice } from './block-device.ts';

/** A device held in memory: tests, teaching lessons, and copy-on-write overlays. */
export class MemoryDevice implements BlockDevice {
  readonly bytes: Uint8Array;
  constructor(
    sizeOrBytes: number | Uint8Array,
    readonly name = 'memory',
    readonly readOnly = false,
  ) {
    this.bytes = typeof sizeOrBytes === 'number' ? new Uint8Array(sizeOrBytes) : sizeOrBytes;
  }
  get size(): number {
    return this.bytes.length;
  }
  read(offset: number, dst: Uint8Array): void {
    checkRange(this, offset, dst.length);
    dst.set(this.bytes.subarray(offset, offset + dst.length));
  }
  write(offset: number, src: Uint8Array): void {
    if (this.readOnly) throw new SnapscopeError('read-only', `${this.name} is read-only`, { device: this.name });
    checkRange(this, offset, src.length);
    this.bytes.set(src, offset);
  }
  flush(): void {}
  close(): void {}
}

export function checkRange(dev: BlockDevice, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset + length > dev.size) {
    throw new SnapscopeError(
      'io',
      `access of ${length} bytes at offset ${offset} is past the end of ${dev.name} (${dev.size} bytes)`,
      { device: dev.name, offset },
    );
  }
}
