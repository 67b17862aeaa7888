/**
 * A background origin flush that takes `ms` of real time from its start (a disk's write-back):
 * the merges' `startFlush` option. It records, for each flush, the origin bytes written before it
 * started, so a test can check that a merge records no progress before the data it covers is durable.
 */
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { ForwardingDevice } from '../../../src-core/io/forwarding-device.ts';

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number): void => void (ms > 0 && Atomics.wait(sleeper, 0, 0, ms));

/** Counts the bytes written to the device it wraps. */
export class CountingDevice extends ForwardingDevice {
  written = 0;
  override write(offset: number, src: Uint8Array): void {
    this.written += src.length;
    super.write(offset, src);
  }
}

export class SlowFlush {
  /** Origin bytes made durable by the flushes that have finished (as far as a waiter has seen). */
  durable = 0;
  /** The longest a waiter blocked, in ms. */
  longestWait = 0;

  constructor(
    private readonly origin: CountingDevice,
    private readonly ms: number,
  ) {}

  /** The merges' `startFlush`. */
  readonly start = (): ((withinMs?: number) => boolean) => {
    const covers = this.origin.written;
    const doneAt = performance.now() + this.ms;
    return (withinMs?: number) => {
      const t0 = performance.now();
      sleep(Math.min(doneAt - t0, withinMs ?? Infinity));
      const waited = performance.now() - t0;
      this.longestWait = Math.max(this.longestWait, waited);
      if (performance.now() < doneAt) return false;
      this.origin.flush();
      this.durable = Math.max(this.durable, covers);
      return true;
    };
  };
}

/** Wraps `origin` for a SlowFlush. */
export function counting(origin: BlockDevice): CountingDevice {
  return new CountingDevice(origin);
}
