/** A token bucket: `burst` tokens, refilled at `perSecond`. Time is injectable for tests and benches. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly burst: number;
  private readonly perSecond: number;
  private readonly now: () => number;

  constructor(burst: number, perSecond: number, now: () => number = Date.now) {
    this.burst = burst;
    this.perSecond = perSecond;
    this.now = now;
    this.tokens = burst;
    this.updatedAt = now();
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
    this.updatedAt = now;
  }

  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until one token is available again. */
  msUntilNext(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  isFull(): boolean {
    this.refill();
    return this.tokens >= this.burst;
  }
}

/**
 * One bucket per key (a join code, a token holder), never per IP alone: a venue's phones share one IP.
 * Full buckets are swept so the map cannot grow without bound.
 */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly burst: number;
  private readonly perSecond: number;
  private readonly maxKeys: number;

  constructor(burst: number, perSecond: number, maxKeys = 10_000) {
    this.burst = burst;
    this.perSecond = perSecond;
    this.maxKeys = maxKeys;
  }

  tryTake(key: string): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.sweep();
      bucket = new TokenBucket(this.burst, this.perSecond);
      this.buckets.set(key, bucket);
    }
    return bucket.tryTake();
  }

  sweep(): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull()) this.buckets.delete(key);
  }
}
