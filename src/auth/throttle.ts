/** Failures from one client address inside the current window. */
interface FailureWindow {
  count: number;
  readonly endsAt: number;
}

/** How many addresses are remembered before expired windows are swept. */
const SWEEP_THRESHOLD = 10_000;

/**
 * Counts authorization failures per client address in fixed windows. An address that reaches
 * the limit is refused until its window ends. Successful requests cost one lookup in a map that
 * is empty unless someone is failing.
 */
export class FailureThrottle {
  private readonly windows = new Map<string, FailureWindow>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until `address` may try again; 0 when it is not throttled. */
  retryAfterMs(address: string, now: number): number {
    if (this.windows.size === 0) return 0;
    const window = this.windows.get(address);
    if (window === undefined) return 0;
    if (now >= window.endsAt) {
      this.windows.delete(address);
      return 0;
    }
    return window.count >= this.limit ? window.endsAt - now : 0;
  }

  /** Records a failure; returns true when this failure made the address reach the limit. */
  recordFailure(address: string, now: number): boolean {
    const current = this.windows.get(address);
    const window =
      current === undefined || now >= current.endsAt
        ? { count: 0, endsAt: now + this.windowMs }
        : current;
    window.count += 1;
    this.windows.set(address, window);
    if (this.windows.size > SWEEP_THRESHOLD) this.sweep(now);
    return window.count === this.limit;
  }

  private sweep(now: number): void {
    for (const [address, window] of this.windows) {
      if (now >= window.endsAt) this.windows.delete(address);
    }
    for (const address of this.windows.keys()) {
      if (this.windows.size <= SWEEP_THRESHOLD) break;
      this.windows.delete(address);
    }
  }
}
