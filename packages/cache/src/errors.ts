/** Base class of every error the cache raises on purpose. */
export class CacheError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A programmer error in a call: empty key, bad TTL, a value JSON cannot carry, a loader that is
 * not a function. Unlike a Redis outage, this always throws (or rejects): retrying cannot help.
 */
export class CacheInputError extends CacheError {}

/** Bad `createCache` options or a half-set environment (a URL without a token, or the reverse). */
export class CacheConfigError extends CacheError {}

/**
 * A Redis call took longer than `timeoutMs`. Never reaches callers: it is counted in `stats()`,
 * opens the circuit breaker and is passed to `onError`.
 */
export class CacheTimeoutError extends CacheError {}
