import { SECTOR_BYTES } from '../io/block-device.ts';
import { ForwardingDevice } from '../io/forwarding-device.ts';

/**
 * Passes everything through and remembers which sectors were written since the last `take`, so
 * the state capture re-reads only the data tags that can have changed (it runs at every event).
 */
export class TrackedDevice extends ForwardingDevice {
  private written = new Set<number>();

  override write(offset: number, src: Uint8Array): void {
    super.write(offset, src);
    const last = Math.floor((offset + Math.max(1, src.length) - 1) / SECTOR_BYTES);
    for (let s = Math.floor(offset / SECTOR_BYTES); s <= last; s++) this.written.add(s);
  }

  /** Chunks (of `chunkBytes`) written since the last call. */
  take(chunkBytes: number): Set<number> {
    const chunks = new Set<number>();
    for (const s of this.written) chunks.add(Math.floor((s * SECTOR_BYTES) / chunkBytes));
    this.written.clear();
    return chunks;
  }
}
