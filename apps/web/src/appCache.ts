import { createCache, redisConfigFromViteEnv, TTL, type Cache } from '@tessera/cache';

let cache: Cache | undefined;

/**
 * The browser's cache: Upstash Redis with a READ-ONLY token when configured (writes stay in this
 * tab's memory, see docs/cache.md), else memory. Only public data (verification results) may be
 * read from Redis; per-user data is keyed by user and lives in memory only.
 */
export function appCache(): Cache {
  cache ??= createCache({
    app: 'web',
    redis: redisConfigFromViteEnv(import.meta.env),
    readonly: true,
  });
  return cache;
}

export { TTL };
