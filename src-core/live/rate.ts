/**
 * A rate smoothed over irregular sampling intervals: an exponentially weighted mean whose weight
 * follows the elapsed time, so a poll that came late does not count as several.
 */
export class SmoothedRate {
  private last: { at: number; value: number } | null = null;
  private rate: number | null = null;

  /** @param halfLifeMs after this long, an old rate counts half. */
  constructor(private readonly halfLifeMs: number) {}

  /** Feeds a value observed at `at` (ms); returns the smoothed rate per second, null until two samples. */
  add(at: number, value: number): number | null {
    const prev = this.last;
    this.last = { at, value };
    if (!prev || at <= prev.at) return this.rate;
    const instant = ((value - prev.value) * 1000) / (at - prev.at);
    const w = 1 - 2 ** (-(at - prev.at) / this.halfLifeMs);
    this.rate = this.rate === null ? instant : this.rate + w * (instant - this.rate);
    return this.rate;
  }

  reset(): void {
    this.last = null;
    this.rate = null;
  }
}
