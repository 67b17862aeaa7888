/**
 * The occupancy map's camera: which chunk range is on screen. It lives outside React (a plain
 * object with listeners) so wheel and drag events repaint at frame rate without re-rendering.
 */
export class RangeCamera {
  start = 0;
  span: number;
  private readonly listeners = new Set<() => void>();

  constructor(
    public total: number,
    /** The narrowest view: one chunk per cell at the biggest cell size. */
    public minSpan = 64,
  ) {
    this.span = total;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setTotal(total: number): void {
    if (total === this.total) return;
    this.total = total;
    this.reset();
  }

  reset(): void {
    this.set(0, this.total);
  }

  /** Zooms by `factor` (>1 = in) keeping the chunk under `fraction` of the view where it is. */
  zoom(factor: number, fraction = 0.5): void {
    const span = Math.min(this.total, Math.max(Math.min(this.minSpan, this.total), Math.round(this.span / factor)));
    const anchor = this.start + this.span * fraction;
    this.set(Math.round(anchor - span * fraction), span);
  }

  /** Shows a span of `span` chunks centred on `chunk`. */
  focus(chunk: number, span = this.minSpan): void {
    const s = Math.min(this.total, Math.max(this.minSpan, span));
    this.set(Math.round(chunk - s / 2), s);
  }

  pan(chunks: number): void {
    this.set(this.start + Math.round(chunks), this.span);
  }

  private set(start: number, span: number): void {
    const clamped = Math.max(0, Math.min(start, this.total - span));
    if (clamped === this.start && span === this.span) return;
    this.start = clamped;
    this.span = span;
    for (const l of this.listeners) l();
  }
}
