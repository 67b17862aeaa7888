import { SnapscopeError } from '../errors.ts';
import { SECTOR_BYTES, type BlockDevice } from './block-device.ts';
import { ForwardingDevice } from './forwarding-device.ts';

export interface FaultPlan {
  /** Power fails during the write with this 1-based index; earlier writes are durable. */
  crashAtWrite: number;
  /** How many whole sectors of the crashing write reach the disk (0 = none). Default: half, rounded down. */
  tornSectors?: number;
}

/**
 * Simulates power loss: writes pass through until the planned one, which is torn at a sector
 * boundary (disks write sectors atomically, not chunks); from then on every access throws
 * SnapscopeError('crashed'). Reopen the inner device to see what survived.
 */
export class FaultDevice extends ForwardingDevice {
  writes = 0;
  crashed = false;
  constructor(
    inner: BlockDevice,
    private readonly plan: FaultPlan | null = null,
  ) {
    super(inner);
  }
  override read(offset: number, dst: Uint8Array): void {
    this.alive();
    super.read(offset, dst);
  }
  override write(offset: number, src: Uint8Array): void {
    this.alive();
    this.writes++;
    if (this.plan && this.writes === this.plan.crashAtWrite) {
      const sectors = Math.ceil(src.length / SECTOR_BYTES);
      const torn = Math.min(this.plan.tornSectors ?? Math.floor(sectors / 2), sectors);
      if (torn > 0) this.inner.write(offset, src.subarray(0, Math.min(src.length, torn * SECTOR_BYTES)));
      this.crashed = true;
      throw new SnapscopeError('crashed', `simulated power loss at write ${this.writes}`, { device: this.name, offset });
    }
    super.write(offset, src);
  }
  override flush(): void {
    this.alive();
    super.flush();
  }
  private alive(): void {
    if (this.crashed) throw new SnapscopeError('crashed', 'device lost power', { device: this.name });
  }
}
