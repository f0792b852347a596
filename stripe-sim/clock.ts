/**
 * Object timestamps (created, expires_at) come from this clock so tests and demos can move time
 * forward (POST /_sim/clock) to reach expiry without waiting 30 minutes. Webhook signing and
 * delivery scheduling deliberately use the real clock: receivers check signatures against theirs.
 */
export class SimClock {
  private offsetSeconds = 0;

  nowSeconds(): number {
    return Math.floor(Date.now() / 1000) + this.offsetSeconds;
  }

  advance(seconds: number): void {
    this.offsetSeconds += Math.max(0, Math.floor(seconds));
  }

  get offset(): number {
    return this.offsetSeconds;
  }
}
