export type CircuitState = 'closed' | 'open' | 'half-open';

/** Whether a call may use Redis: as usual, or as the single probe of a half-open circuit. */
export type BreakerPermit = 'normal' | 'probe';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one probe call may try Redis again. */
  cooldownMs: number;
  /** Clock, replaceable in tests. */
  now?: () => number;
}

/**
 * Closed: calls use Redis. After `failureThreshold` consecutive failures it opens: calls skip
 * Redis (no waiting on a dead server). After `cooldownMs` it is half-open: exactly one call probes
 * Redis while the others keep skipping it; success closes the circuit, failure reopens it.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt: number | null = null;
  private probeInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.openedAt === null) return 'closed';
    if (this.probeInFlight || this.now() - this.openedAt >= this.options.cooldownMs) return 'half-open';
    return 'open';
  }

  /** Returns a permit when this call may use Redis, or null when it must skip it. */
  acquire(): BreakerPermit | null {
    const state = this.state;
    if (state === 'closed') return 'normal';
    if (state === 'half-open' && !this.probeInFlight) {
      this.probeInFlight = true;
      return 'probe';
    }
    return null;
  }

  succeed(permit: BreakerPermit): void {
    if (permit === 'probe') {
      this.probeInFlight = false;
      this.openedAt = null;
      this.consecutiveFailures = 0;
    } else if (this.openedAt === null) {
      this.consecutiveFailures = 0;
    }
    // A normal call that started before the circuit opened and succeeded late proves little.
  }

  fail(permit: BreakerPermit): void {
    if (permit === 'probe') {
      this.probeInFlight = false;
      this.openedAt = this.now();
      return;
    }
    if (this.openedAt !== null) return;
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures >= this.options.failureThreshold) this.openedAt = this.now();
  }
}
