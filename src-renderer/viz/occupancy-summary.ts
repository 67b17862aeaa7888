import type { OccupancyResult } from '../../src-core/api/dto.ts';
import { classColumns, type ChunkClass } from './chunk-class.ts';

/**
 * Occupancy kept in the renderer so the map repaints from local data every frame: chunks per
 * class (role, or who reads the data) over [start, end) in buckets of `per` chunks, as prefix sums.
 * Any chunk range then costs O(classes) however wide it is; inside a bucket chunks are taken as
 * evenly spread (exact at bucket edges and at one chunk per bucket).
 */
export class OccupancySummary {
  readonly start: number;
  readonly end: number;
  readonly per: number;
  readonly buckets: number;
  readonly owners: boolean;
  readonly classes: ChunkClass[];
  /** prefix[k][b]: chunks of classes[k] in buckets before b. */
  private readonly prefix: Float64Array[];
  private readonly freeAt: number;

  constructor(readonly data: OccupancyResult) {
    this.start = data.start;
    this.end = data.end;
    this.per = Math.max(1, data.chunksPerBucket);
    this.buckets = data.buckets;
    this.owners = data.owners !== undefined;
    const { classes, columns } = classColumns(data);
    this.classes = classes;
    this.prefix = columns.map((column) => {
      const row = new Float64Array(data.buckets + 1);
      for (let b = 0; b < data.buckets; b++) row[b + 1] = row[b]! + column[b]!;
      return row;
    });
    this.freeAt = classes.indexOf('free');
  }

  /** Whether [a, b) lies inside and buckets are no coarser than `per` chunks. */
  serves(a: number, b: number, per: number): boolean {
    return a >= this.start && b <= this.end && this.per <= Math.max(1, per);
  }

  /** Chunks of class k before chunk x. */
  private before(k: number, x: number): number {
    const row = this.prefix[k]!;
    const off = Math.max(0, Math.min(this.end, x) - this.start);
    const b = Math.min(this.buckets, Math.floor(off / this.per));
    if (b >= this.buckets) return row[this.buckets]!;
    const len = Math.min(this.per, this.end - this.start - b * this.per);
    return row[b]! + ((row[b + 1]! - row[b]!) * (off - b * this.per)) / len;
  }

  /** Chunks per class in [a, b): largest first, free last (as bucketClasses). */
  classesIn(a: number, b: number): [ChunkClass, number][] {
    const out: [ChunkClass, number][] = [];
    let free = 0;
    for (let k = 0; k < this.classes.length; k++) {
      const n = Math.round(this.before(k, b) - this.before(k, a));
      if (k === this.freeAt) free = n;
      else if (n > 0) out.push([this.classes[k]!, n]);
    }
    out.sort((x, y) => y[1] - x[1]);
    if (free > 0) out.push(['free', free]);
    return out;
  }

  /** Chunks of every class before chunk x, into `into` (before() for each class, the bucket found once). */
  private cutAt(x: number, into: Float64Array): void {
    const off = Math.max(0, Math.min(this.end, x) - this.start);
    const b = Math.min(this.buckets, Math.floor(off / this.per));
    const len = Math.min(this.per, this.end - this.start - b * this.per);
    const inside = off - b * this.per;
    for (let k = 0; k < this.prefix.length; k++) {
      const row = this.prefix[k]!;
      into[k] = b >= this.buckets ? row[this.buckets]! : row[b]! + ((row[b + 1]! - row[b]!) * inside) / len;
    }
  }

  /**
   * For `n` ranges in a row, `per` chunks each from `start` (the last cut at `end`): the index in
   * `classes` of the class with most chunks (-1 when all are free) into `tops`, and the share of
   * chunks used into `densities`. What a frame of the map needs, without allocating; each cut
   * between two ranges is found once.
   */
  topsInto(start: number, per: number, n: number, end: number, tops: Int32Array, densities: Float64Array): void {
    let before = new Float64Array(this.prefix.length);
    let after = new Float64Array(this.prefix.length);
    this.cutAt(start, before);
    for (let i = 0; i < n; i++) {
      const a = start + i * per;
      const b = Math.min(end, a + per);
      this.cutAt(b, after);
      let top = -1;
      let best = 0;
      let used = 0;
      for (let k = 0; k < after.length; k++) {
        if (k === this.freeAt) continue;
        const x = after[k]! - before[k]!;
        used += x;
        if (x > best + 1e-9) {
          best = x;
          top = k;
        }
      }
      tops[i] = top;
      densities[i] = used / Math.max(1, b - a);
      [before, after] = [after, before];
    }
  }
}
