import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { checkRange } from '../../../src-core/io/memory-device.ts';

const PAGE = 4096;

/** The rehearsal wrote more than its memory budget: the caller decides to go without one. */
export class OverlayFull extends Error {
  constructor(readonly budgetBytes: number) {
    super(`a rehearsal in memory would need more than ${budgetBytes >> 20} MiB`);
  }
}

/**
 * Reads through to `inner`, keeps every write in memory: a rehearsal. A command that must be all
 * or nothing (replay) runs once over overlays of its devices; only when that succeeds does it run
 * on the real ones. Memory grows with the bytes written, not with the device.
 */
export class OverlayDevice implements BlockDevice {
  readonly readOnly = false;
  private readonly pages = new Map<number, Uint8Array>();

  constructor(
    private readonly inner: BlockDevice,
    /** Bytes of writes kept at most (a merge rewrites the whole origin). */
    private readonly budgetBytes = 256 << 20,
  ) {}

  get name(): string {
    return this.inner.name;
  }
  get size(): number {
    return this.inner.size;
  }

  read(offset: number, dst: Uint8Array): void {
    checkRange(this, offset, dst.length);
    if (this.pages.size === 0) return this.inner.read(offset, dst);
    this.eachPage(offset, dst.length, (page, from, to, at) => {
      const p = this.pages.get(page);
      if (p) dst.set(p.subarray(from, to), at);
      else this.inner.read(page * PAGE + from, dst.subarray(at, at + to - from));
    });
  }

  write(offset: number, src: Uint8Array): void {
    checkRange(this, offset, src.length);
    this.eachPage(offset, src.length, (page, from, to, at) => {
      let p = this.pages.get(page);
      if (!p) {
        if ((this.pages.size + 1) * PAGE > this.budgetBytes) throw new OverlayFull(this.budgetBytes);
        p = new Uint8Array(Math.min(PAGE, this.size - page * PAGE));
        this.inner.read(page * PAGE, p);
        this.pages.set(page, p);
      }
      p.set(src.subarray(at, at + to - from), from);
    });
  }

  flush(): void {}
  close(): void {}

  /** Calls `f(page, fromInPage, toInPage, offsetInBuffer)` for each page the range touches. */
  private eachPage(offset: number, length: number, f: (page: number, from: number, to: number, at: number) => void): void {
    for (let at = 0; at < length; ) {
      const pos = offset + at;
      const page = Math.floor(pos / PAGE);
      const from = pos - page * PAGE;
      const to = Math.min(PAGE, from + length - at);
      f(page, from, to, at);
      at += to - from;
    }
  }
}
