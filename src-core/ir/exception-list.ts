import type { ExceptionSource, ExceptionVisitor } from './model.ts';

/** Exceptions held in growable typed arrays: 24 bytes each, no object per exception. */
export class ExceptionList implements ExceptionSource {
  private origin = new Float64Array(1024);
  private chunk = new Float64Array(1024);
  private lo = new Uint32Array(1024);
  private hi = new Uint32Array(1024);
  length = 0;

  push(origin: number, chunk: number, lo: number, hi: number): void {
    if (this.length === this.origin.length) this.grow();
    const i = this.length++;
    this.origin[i] = origin;
    this.chunk[i] = chunk;
    this.lo[i] = lo;
    this.hi[i] = hi;
  }

  forEach(visit: ExceptionVisitor): void {
    for (let i = 0; i < this.length; i++) visit(this.origin[i]!, this.chunk[i]!, this.lo[i]!, this.hi[i]!);
  }

  private grow(): void {
    const n = this.origin.length * 2;
    const grown = <T extends Float64Array | Uint32Array>(a: T, b: T): T => (b.set(a), b);
    this.origin = grown(this.origin, new Float64Array(n));
    this.chunk = grown(this.chunk, new Float64Array(n));
    this.lo = grown(this.lo, new Uint32Array(n));
    this.hi = grown(this.hi, new Uint32Array(n));
  }
}
