/**
 * Exception counts per snapshot slot, kept up to date by every change so `info` costs O(slots),
 * not a walk of every leaf. Built by one walk on first use; until then changes are not counted
 * (a store opened for one CLI command never pays for the walk).
 */
import { EXCEPTION_BYTES } from '../format/leaf.ts';
import type { ExceptionTree } from '../btree/tree.ts';

export class ExceptionCounts {
  /** Exceptions each slot reads. */
  readonly total = new Float64Array(64);
  /** Exceptions only that slot reads. */
  readonly unique = new Float64Array(64);
  exceptions = 0;
  private built = false;

  /** The counts, walking the tree once if they were never built. */
  current(tree: ExceptionTree): this {
    if (!this.built) this.rebuild(tree);
    return this;
  }

  rebuild(tree: ExceptionTree): void {
    this.begin();
    tree.forEachLeaf((leaf) => {
      for (let e = leaf.listStart(0); e < leaf.size; e += EXCEPTION_BYTES) this.add(leaf.shareLo(e), leaf.shareHi(e));
    });
  }

  /** Counts from nothing: every exception is then `add`ed (open's walk does, so info never walks again). */
  begin(): void {
    this.total.fill(0);
    this.unique.fill(0);
    this.exceptions = 0;
    this.built = true;
  }

  /** An exception read by lo/hi was added. */
  add(lo: number, hi: number): void {
    if (this.built) this.apply(lo, hi, 1);
  }

  /** `n` exceptions read by lo/hi were freed. */
  remove(lo: number, hi: number, n = 1): void {
    if (this.built) this.apply(lo, hi, -n);
  }

  /** An exception's readers went from lo/hi to nlo/nhi (unshared, not freed). */
  change(lo: number, hi: number, nlo: number, nhi: number): void {
    if (!this.built) return;
    this.apply(lo, hi, -1);
    this.apply(nlo, nhi, 1);
  }

  /** `by` exceptions read by lo/hi were added (negative: removed). */
  private apply(lo: number, hi: number, by: number): void {
    this.exceptions += by;
    lo >>>= 0;
    hi >>>= 0;
    const only = (lo === 0) !== (hi === 0) && ((lo & (lo - 1)) | (hi & (hi - 1))) === 0;
    for (let base = 0, bits = lo; base <= 32; base += 32, bits = hi) {
      while (bits !== 0) {
        const low = bits & -bits;
        const slot = base + 31 - Math.clz32(low);
        this.total[slot]! += by;
        if (only) this.unique[slot]! += by;
        bits = (bits ^ low) >>> 0;
      }
    }
  }
}
