/**
 * Copies lists of chunks between devices in as few I/Os as their layout allows: each run of
 * consecutive destination chunks is one write (up to `maxIoBytes`), filled by one read per run of
 * consecutive source chunks within it. A merge moves gigabytes; chunk-sized I/O would be syscall-bound.
 */
import type { BlockDevice } from '../../io/block-device.ts';

export class ChunkCopier {
  private buffer = new Uint8Array(0);
  private readonly most: number;

  constructor(
    private readonly chunkBytes: number,
    maxIoBytes: number,
  ) {
    this.most = Math.max(1, Math.floor(maxIoBytes / chunkBytes));
  }

  /**
   * Copies chunk `from[k]` of `src` to chunk `to[k]` of `dst` for k < n. After each write,
   * `onRun(k, count)` reports the runs it held that are consecutive on both sides. Returns the bytes copied.
   */
  copy(src: BlockDevice, from: ArrayLike<number>, dst: BlockDevice, to: ArrayLike<number>, n: number, onRun?: (k: number, count: number) => void): number {
    const cb = this.chunkBytes;
    const runs: number[] = [];
    for (let k = 0; k < n; ) {
      let m = 1;
      while (k + m < n && m < this.most && to[k + m] === to[k]! + m) m++;
      let buf = dst.throughBuffer?.(m * cb) ?? null;
      if (!buf) {
        if (this.buffer.length < m * cb) this.buffer = new Uint8Array(m * cb);
        buf = this.buffer.subarray(0, m * cb);
      }
      runs.length = 0;
      for (let j = k; j < k + m; ) {
        let r = 1;
        while (j + r < k + m && from[j + r] === from[j]! + r) r++;
        src.read(from[j]! * cb, buf.subarray((j - k) * cb, (j - k + r) * cb));
        runs.push(j, r);
        j += r;
      }
      if (dst.writeThrough) dst.writeThrough(to[k]! * cb, buf);
      else dst.write(to[k]! * cb, buf);
      if (onRun) for (let i = 0; i < runs.length; i += 2) onRun(runs[i]!, runs[i + 1]!);
      k += m;
    }
    return n * cb;
  }
}
