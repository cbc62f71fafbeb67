import { CacheInputError } from './errors';

// Plain checks rather than zod on the hot path: these run on every call.

export function assertKey(key: unknown, label = 'key'): asserts key is string {
  if (typeof key !== 'string') {
    throw new CacheInputError(`Cache ${label} must be a string, got ${typeof key}`);
  }
  if (key.length === 0) {
    throw new CacheInputError(`Cache ${label} must not be empty`);
  }
}

/** Redis `EX` takes whole seconds; 0 or less would delete the key instead of caching it. */
export function assertTtlSeconds(ttlSeconds: unknown): asserts ttlSeconds is number {
  if (typeof ttlSeconds !== 'number' || !Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new CacheInputError(
      `Cache TTL must be a whole number of seconds greater than 0 (e.g. TTL.SHORT = 300), got ${String(ttlSeconds)}`,
    );
  }
}

export function assertLoader(loader: unknown): asserts loader is () => unknown {
  if (typeof loader !== 'function') {
    throw new CacheInputError(`getOrSet needs a loader function, got ${typeof loader}`);
  }
}
