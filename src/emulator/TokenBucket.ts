/**
 * A per-minute limit as a bucket that refills continuously (limit / 60 s), so a burst of the whole minute's
 * allowance passes at once and later requests are spaced out, as Azure enforces over short windows.
 */
export class TokenBucket {
  private level: number;
  private updatedAt: number;

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(perMinute > 0)) throw new RangeError(`A per-minute limit must be positive, got ${perMinute}.`);
    this.level = perMinute;
    this.updatedAt = now();
  }

  /** Takes `amount` and returns 0, or takes nothing and returns the milliseconds until `amount` is available. */
  take(amount: number): number {
    this.refill();
    if (amount <= this.level) {
      this.level -= amount;
      return 0;
    }
    // A request larger than the whole minute's allowance can never pass; ask for a full minute.
    if (amount > this.perMinute) return 60_000;
    return Math.ceil(((amount - this.level) * 60_000) / this.perMinute);
  }

  /** Returns `amount` taken by a request that was then refused by another bucket. */
  giveBack(amount: number): void {
    this.level = Math.min(this.perMinute, this.level + amount);
  }

  remaining(): number {
    this.refill();
    return Math.floor(this.level);
  }

  private refill(): void {
    const now = this.now();
    this.level = Math.min(this.perMinute, this.level + ((now - this.updatedAt) * this.perMinute) / 60_000);
    this.updatedAt = now;
  }
}
