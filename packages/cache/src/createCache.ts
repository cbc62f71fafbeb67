import { CircuitBreaker, type CircuitState } from './circuitBreaker';
import { decodeEnvelope, encodeEnvelope } from './envelope';
import { FailoverStore, type CacheBackendName } from './failoverStore';
import { createKeyspace } from './keys';
import type { KeyValueStore } from './keyValueStore';
import { MemoryStore } from './memoryStore';
import { parseCacheOptions, type CacheOptions } from './options';
import { createUpstashClient, RedisStore } from './redisStore';
import { SingleFlight } from './singleFlight';
import { assertKey, assertLoader, assertTtlSeconds } from './validateInput';

export interface CacheStats {
  /** The backend serving calls right now: 'memory' while the circuit is not closed. */
  backend: CacheBackendName;
  /** What was configured: 'redis' when a URL and token were given. */
  configured: CacheBackendName;
  /** The Redis circuit; always 'closed' when no Redis is configured. */
  circuit: CircuitState;
  readonly: boolean;
  hits: number;
  misses: number;
  /** hits / (hits + misses), 0 before the first lookup. */
  hitRate: number;
  /** Redis calls that failed or timed out. */
  errors: number;
  /** Calls served by memory because Redis failed or the circuit was open. */
  fallbacks: number;
  /** Message of the most recent Redis failure, if any. */
  lastError: string | null;
}

export interface Cache {
  /** The cached value, or undefined on a miss (absent, expired, or another schema version). */
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  del(key: string): Promise<void>;
  /**
   * The cached value, or the loader's result (stored for `ttlSeconds`). Concurrent calls for one
   * key share one loader call; a loader's error is passed to all of them and never cached.
   */
  getOrSet<T>(key: string, loader: () => T | Promise<T>, ttlSeconds: number): Promise<T>;
  /** Deletes every key that starts with `prefix`; resolves to how many were deleted. */
  invalidate(prefix: string): Promise<number>;
  stats(): CacheStats;
}

interface LoadOutcome {
  fromCache: boolean;
  /** The encoded envelope: each caller decodes its own copy. */
  raw: string;
}

/**
 * Upstash Redis when `redis` is given (with memory as fallback), otherwise an in-memory LRU.
 * Bad input throws CacheInputError; a Redis outage never throws.
 */
export function createCache(options: CacheOptions): Cache {
  const settings = parseCacheOptions(options);
  const keyspace = createKeyspace(settings.app);
  const memory =
    options.memoryStore ?? new MemoryStore({ maxEntries: settings.maxEntries, maxBytes: settings.maxBytes });

  let failover: FailoverStore | undefined;
  let breaker: CircuitBreaker | undefined;
  if (settings.redis) {
    breaker = new CircuitBreaker({ failureThreshold: settings.failureThreshold, cooldownMs: settings.cooldownMs });
    failover = new FailoverStore({
      redis: new RedisStore(createUpstashClient(settings.redis, settings.timeoutMs), {
        timeoutMs: settings.timeoutMs,
        scanCount: settings.scanCount,
      }),
      memory,
      breaker,
      readonly: settings.readonly,
      namespaceRoot: keyspace.root,
      onError: options.onError,
    });
  }
  const store: KeyValueStore = failover ?? memory;
  const flights = new SingleFlight<LoadOutcome>();
  let hits = 0;
  let misses = 0;

  const countLookup = (found: boolean) => {
    if (found) hits += 1;
    else misses += 1;
  };

  const decodeOwnCopy = (raw: string): unknown => {
    const entry = decodeEnvelope(raw, settings.version);
    // We encoded `raw` a moment ago with this version, so it always decodes.
    if (!entry.found) throw new Error(`internal: freshly encoded entry did not decode (${entry.reason})`);
    return entry.data;
  };

  return {
    async get<T = unknown>(key: string): Promise<T | undefined> {
      assertKey(key);
      const entry = decodeEnvelope(await store.get(keyspace.key(key)), settings.version);
      countLookup(entry.found);
      return entry.found ? (entry.data as T) : undefined;
    },

    async set(key, value, ttlSeconds) {
      assertKey(key);
      assertTtlSeconds(ttlSeconds);
      const raw = encodeEnvelope(value, settings.version, key);
      const fullKey = keyspace.key(key);
      flights.supersede(fullKey);
      await store.set(fullKey, raw, ttlSeconds);
    },

    async del(key) {
      assertKey(key);
      const fullKey = keyspace.key(key);
      flights.supersede(fullKey);
      await store.delete(fullKey);
    },

    async getOrSet<T>(key: string, loader: () => T | Promise<T>, ttlSeconds: number): Promise<T> {
      assertKey(key);
      assertLoader(loader);
      assertTtlSeconds(ttlSeconds);
      const fullKey = keyspace.key(key);
      let outcome: LoadOutcome;
      try {
        outcome = await flights.run(fullKey, async (flight) => {
          const cached = await store.get(fullKey);
          if (cached !== null && decodeEnvelope(cached, settings.version).found) {
            return { fromCache: true, raw: cached };
          }
          const raw = encodeEnvelope(await loader(), settings.version, key);
          // A set/del/invalidate during the load wins: storing our older result would undo it.
          if (!flight.superseded) await store.set(fullKey, raw, ttlSeconds);
          return { fromCache: false, raw };
        });
      } catch (error) {
        countLookup(false);
        throw error;
      }
      countLookup(outcome.fromCache);
      return decodeOwnCopy(outcome.raw) as T;
    },

    async invalidate(prefix) {
      assertKey(prefix, 'prefix');
      const fullPrefix = keyspace.key(prefix);
      flights.supersedeWhere((fullKey) => fullKey.startsWith(fullPrefix));
      return store.deleteByPrefix(fullPrefix);
    },

    stats(): CacheStats {
      const lookups = hits + misses;
      const failures = failover?.stats ?? { errors: 0, fallbacks: 0, lastError: null };
      return {
        backend: failover?.servingBackend ?? 'memory',
        configured: failover ? 'redis' : 'memory',
        circuit: breaker?.state ?? 'closed',
        readonly: settings.readonly,
        hits,
        misses,
        hitRate: lookups === 0 ? 0 : hits / lookups,
        ...failures,
      };
    },
  };
}
