/** What a running flight can ask: has a write to its key made its result stale? */
export interface Flight {
  readonly superseded: boolean;
}

interface RunningFlight<T> {
  promise: Promise<T>;
  state: { superseded: boolean };
}

/**
 * Coalesces concurrent work per key: while one call for a key is running, others for the same key
 * get the same promise instead of starting their own. Nothing is remembered once it settles, so a
 * rejection is shared by the callers that were waiting and the next call starts afresh.
 */
export class SingleFlight<T> {
  private readonly running = new Map<string, RunningFlight<T>>();

  run(key: string, work: (flight: Flight) => Promise<T>): Promise<T> {
    const existing = this.running.get(key);
    if (existing) return existing.promise;
    const state = { superseded: false };
    const promise = (async () => {
      try {
        return await work(state);
      } finally {
        // Only clear our own entry: a superseding write may have let a newer flight start.
        if (this.running.get(key)?.state === state) this.running.delete(key);
      }
    })();
    this.running.set(key, { promise, state });
    return promise;
  }

  /**
   * A write to `key` happened: the running flight (if any) must not store its now-older result,
   * and later callers must not join it but read the new value.
   */
  supersede(key: string): void {
    const flight = this.running.get(key);
    if (!flight) return;
    flight.state.superseded = true;
    this.running.delete(key);
  }

  supersedeWhere(matches: (key: string) => boolean): void {
    for (const key of [...this.running.keys()]) {
      if (matches(key)) this.supersede(key);
    }
  }
}
