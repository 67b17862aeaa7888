import { SECTOR_BYTES, type BlockDevice } from '../io/block-device.ts';

/**
 * Passes writes through, but first hands `save` the old contents of every sector a write is
 * about to change for the first time — so an in-place repair or restore can be undone.
 */
export class BackupDevice implements BlockDevice {
  private readonly saved = new Set<number>();
  /** Sectors backed up so far. */
  sectors = 0;

  constructor(
    readonly inner: BlockDevice,
    private readonly save: (offset: number, old: Uint8Array) => void,
  ) {}

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
    this.inner.write(offset, src);
  }
  flush(): void {
    this.inner.flush();
  }
  close(): void {
    this.inner.close();
  }
}
