import { SnapscopeError } from '../src-core/errors.ts';
import type { BlockDevice } from '../src-core/io/block-device.ts';

/** Holds only the chunks written (reads of others give zeros), so a bench COW can be sized like a real one. */
export class SparseDevice implements BlockDevice {
  readonly name = 'sparse';
  readonly readOnly = false;
  private readonly chunks = new Map<number, Uint8Array>();
  constructor(
    readonly size: number,
    private readonly chunkBytes: number,
  ) {}
  read(offset: number, dst: Uint8Array): void {
    for (let done = 0; done < dst.length; ) {
      const at = offset + done;
      const c = Math.floor(at / this.chunkBytes);
      const within = at - c * this.chunkBytes;
      const n = Math.min(this.chunkBytes - within, dst.length - done);
      const src = this.chunks.get(c);
      if (src) dst.set(src.subarray(within, within + n), done);
      else dst.fill(0, done, done + n);
      done += n;
    }
  }
  write(offset: number, src: Uint8Array): void {
    if (offset + src.length > this.size) throw new SnapscopeError('io', 'past the end');
    for (let done = 0; done < src.length; ) {
      const at = offset + done;
      const c = Math.floor(at / this.chunkBytes);
      const within = at - c * this.chunkBytes;
      const n = Math.min(this.chunkBytes - within, src.length - done);
      let block = this.chunks.get(c);
      if (!block) this.chunks.set(c, (block = new Uint8Array(this.chunkBytes)));
      block.set(src.subarray(done, done + n), within);
      done += n;
    }
  }
  flush(): void {}
  close(): void {}
}
