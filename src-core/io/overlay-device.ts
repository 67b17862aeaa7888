import { SECTOR_BYTES, type BlockDevice } from './block-device.ts';
import { checkRange } from './memory-device.ts';

/**
 * A copy-on-write overlay: reads fall through to `base`, writes land in memory (whole sectors),
 * and `base` is never written. A lesson on an opened store runs the real engine over one of these,
 * so the learner can write, split and delete freely while the store itself stays as it was.
 */
export class OverlayDevice implements BlockDevice {
  readonly readOnly = false;
  private readonly sectors = new Map<number, Uint8Array>();

  constructor(
    readonly base: BlockDevice,
    readonly name = `${base.name} (overlay)`,
  ) {}

  get size(): number {
    return this.base.size;
  }

  /** Bytes held in memory (written sectors). */
  get overlayBytes(): number {
    return this.sectors.size * SECTOR_BYTES;
  }

  read(offset: number, dst: Uint8Array): void {
    checkRange(this, offset, dst.length);
    // Runs of unwritten sectors are one read of the base.
    let done = 0;
    while (done < dst.length) {
      const at = offset + done;
      const sector = Math.floor(at / SECTOR_BYTES);
      const within = at - sector * SECTOR_BYTES;
      const mine = this.sectors.get(sector);
      if (mine) {
        const n = Math.min(SECTOR_BYTES - within, dst.length - done);
        dst.set(mine.subarray(within, within + n), done);
        done += n;
        continue;
      }
      let end = (sector + 1) * SECTOR_BYTES;
      while (end < offset + dst.length && !this.sectors.has(end / SECTOR_BYTES)) end += SECTOR_BYTES;
      const n = Math.min(end, offset + dst.length) - at;
      this.base.read(at, dst.subarray(done, done + n));
      done += n;
    }
  }

  write(offset: number, src: Uint8Array): void {
    checkRange(this, offset, src.length);
    let done = 0;
    while (done < src.length) {
      const at = offset + done;
      const sector = Math.floor(at / SECTOR_BYTES);
      const within = at - sector * SECTOR_BYTES;
      const n = Math.min(SECTOR_BYTES - within, src.length - done);
      let mine = this.sectors.get(sector);
      if (!mine) {
        mine = new Uint8Array(SECTOR_BYTES);
        // A partial sector keeps the rest of the base's bytes (the device may end mid-sector).
        if (n < SECTOR_BYTES) this.base.read(sector * SECTOR_BYTES, mine.subarray(0, Math.min(SECTOR_BYTES, this.size - sector * SECTOR_BYTES)));
        this.sectors.set(sector, mine);
      }
      mine.set(src.subarray(done, done + n), within);
      done += n;
    }
  }

  flush(): void {}

  /** Drops the overlay; the base belongs to whoever opened it. */
  close(): void {
    this.sectors.clear();
  }
}
