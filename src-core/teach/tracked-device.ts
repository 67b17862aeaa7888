import { SECTOR_BYTES, type BlockDevice } from '../io/block-device.ts';

/**
 * Passes everything through and remembers which sectors were written since the last `take`, so
 * the state capture re-reads only the data tags that can have changed (it runs at every event).
 */
export class TrackedDevice implements BlockDevice {
  private written = new Set<number>();

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
    const last = Math.floor((offset + Math.max(1, src.length) - 1) / SECTOR_BYTES);
    for (let s = Math.floor(offset / SECTOR_BYTES); s <= last; s++) this.written.add(s);
  }

  flush(): void {
    this.inner.flush();
  }

  close(): void {
    this.inner.close();
  }

  /** Chunks (of `chunkBytes`) written since the last call. */
  take(chunkBytes: number): Set<number> {
    const chunks = new Set<number>();
    for (const s of this.written) chunks.add(Math.floor((s * SECTOR_BYTES) / chunkBytes));
    this.written.clear();
    return chunks;
  }
}
