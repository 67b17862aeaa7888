import type { BlockDevice } from './block-device.ts';

/**
 * A BlockDevice that forwards every call to `inner`. Devices that watch or change the traffic to
 * another one (FaultDevice, BackupDevice, TrackedDevice) extend it and override what they need.
 */
export class ForwardingDevice implements BlockDevice {
  constructor(readonly inner: BlockDevice) {}

  get name(): string {
    return this.inner.name;
  }
  get size(): number {
    return this.inner.size;
  }
  get readOnly(): boolean {
    return this.inner.readOnly;
  }
  read(offset: number, dst: Uint8Array): void {
    this.inner.read(offset, dst);
  }
  write(offset: number, src: Uint8Array): void {
    this.inner.write(offset, src);
  }
  flush(): void {
    this.inner.flush();
  }
  close(): void {
    this.inner.close();
  }
}
