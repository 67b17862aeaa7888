import { SECTOR_BYTES, type BlockDevice } from '../io/block-device.ts';
import { ForwardingDevice } from '../io/forwarding-device.ts';

/**
 * Passes writes through, but first hands `save` the old contents of every sector a write is
 * about to change for the first time — so an in-place repair or restore can be undone.
 */
export class BackupDevice extends ForwardingDevice {
  private readonly saved = new Set<number>();
  /** Sectors backed up so far. */
  sectors = 0;

  constructor(
    inner: BlockDevice,
    private readonly save: (offset: number, old: Uint8Array) => void,
  ) {
    super(inner);
  }

  override write(offset: number, src: Uint8Array): void {
    const first = Math.floor(offset / SECTOR_BYTES);
    const end = Math.ceil((offset + src.length) / SECTOR_BYTES);
    let run = -1;
    for (let s = first; s <= end; s++) {
      const fresh = s < end && !this.saved.has(s);
      if (fresh && run < 0) run = s;
      if (!fresh && run >= 0) {
        const old = new Uint8Array((s - run) * SECTOR_BYTES);
        this.inner.read(run * SECTOR_BYTES, old);
        this.save(run * SECTOR_BYTES, old);
        run = -1;
      }
      if (fresh) {
        this.saved.add(s);
        this.sectors++;
      }
    }
    super.write(offset, src);
  }
}
