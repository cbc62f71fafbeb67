import type { CircuitBreaker } from './circuitBreaker';
import type { KeyValueStore } from './keyValueStore';
import type { RedisStore } from './redisStore';

export type CacheBackendName = 'redis' | 'memory';

export interface FailoverStoreOptions {
  redis: RedisStore;
  memory: KeyValueStore;
  breaker: CircuitBreaker;
  /** Never write to Redis: writes land in memory, reads try memory then Redis. */
  readonly: boolean;
  /** This cache's key root (`tessera:<app>:`), used to drop stale fallback copies. */
  namespaceRoot: string;
  onError?: ((error: unknown) => void) | undefined;
}

export interface FailoverCounters {
  errors: number;
  fallbacks: number;
  lastError: string | null;
}

/** Past this many remembered writes we stop listing keys and drop the whole namespace instead. */
const MAX_PENDING_INVALIDATIONS = 10_000;

/**
 * Redis first, memory when Redis fails or the circuit is open. No Redis failure ever reaches a
 * caller: it is counted, reported to `onError`, and the call is served by memory instead.
 *
 * Writes made while Redis was unreachable only reached memory, so Redis may still hold older
 * values for those keys. They are remembered and deleted from Redis by the first call that gets
 * through again, before it reads anything; the fallback copies in memory are dropped then too,
 * so a later outage never serves them.
 */
export class FailoverStore implements KeyValueStore {
  private readonly counters: FailoverCounters = { errors: 0, fallbacks: 0, lastError: null };
  private readonly pendingKeys = new Set<string>();
  private readonly pendingPrefixes = new Set<string>();
  private resync: Promise<void> | null = null;

  constructor(private readonly options: FailoverStoreOptions) {}

  get servingBackend(): CacheBackendName {
    return this.options.breaker.state === 'closed' ? 'redis' : 'memory';
  }

  get stats(): Readonly<FailoverCounters> {
    return { ...this.counters };
  }

  async get(key: string): Promise<string | null> {
    const { memory } = this.options;
    if (this.options.readonly) {
      // Memory holds this client's own writes; Redis holds what a server published.
      const local = await memory.get(key);
      if (local !== null) return local;
      return this.viaRedis((redis) => redis.get(key), () => Promise.resolve(null));
    }
    return this.viaRedis((redis) => redis.get(key), () => memory.get(key));
  }

  async set(key: string, raw: string, ttlSeconds: number): Promise<void> {
    const { memory } = this.options;
    if (this.options.readonly) return memory.set(key, raw, ttlSeconds);
    return this.viaRedis(
      (redis) => redis.set(key, raw, ttlSeconds),
      async () => {
        this.rememberKey(key);
        await memory.set(key, raw, ttlSeconds);
      },
    );
  }

  async delete(key: string): Promise<void> {
    const { memory } = this.options;
    if (this.options.readonly) return memory.delete(key);
    return this.viaRedis(
      (redis) => redis.delete(key),
      async () => {
        this.rememberKey(key);
        await memory.delete(key);
      },
    );
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    const { memory } = this.options;
    if (this.options.readonly) return memory.deleteByPrefix(prefix);
    return this.viaRedis(
      (redis) => redis.deleteByPrefix(prefix),
      async () => {
        this.rememberPrefix(prefix);
        return memory.deleteByPrefix(prefix);
      },
    );
  }

  private async viaRedis<T>(operation: (redis: RedisStore) => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    const { breaker } = this.options;
    const permit = breaker.acquire();
    if (permit === null) return this.fallBack(fallback);
    try {
      await this.resyncAfterOutage();
      const result = await operation(this.options.redis);
      breaker.succeed(permit);
      return result;
    } catch (error) {
      breaker.fail(permit);
      this.recordError(error);
      return this.fallBack(fallback);
    }
  }

  private fallBack<T>(fallback: () => Promise<T>): Promise<T> {
    this.counters.fallbacks += 1;
    return fallback();
  }

  private recordError(error: unknown): void {
    this.counters.errors += 1;
    this.counters.lastError = error instanceof Error ? error.message : String(error);
    try {
      this.options.onError?.(error);
    } catch {
      // A failing logger must not turn a Redis outage into an exception for the caller.
    }
  }

  private rememberKey(key: string): void {
    if (this.pendingPrefixes.has(this.options.namespaceRoot)) return;
    this.pendingKeys.add(key);
    this.collapseIfTooMany();
  }

  private rememberPrefix(prefix: string): void {
    this.pendingPrefixes.add(prefix);
    this.collapseIfTooMany();
  }

  private collapseIfTooMany(): void {
    if (this.pendingKeys.size + this.pendingPrefixes.size <= MAX_PENDING_INVALIDATIONS) return;
    this.pendingKeys.clear();
    this.pendingPrefixes.clear();
    this.pendingPrefixes.add(this.options.namespaceRoot);
  }

  /** Shared by every call that gets through while the replay runs, so none reads stale values. */
  private resyncAfterOutage(): Promise<void> {
    if (this.resync) return this.resync;
    if (this.pendingKeys.size === 0 && this.pendingPrefixes.size === 0) return Promise.resolve();
    this.resync = this.replayPendingInvalidations().finally(() => {
      this.resync = null;
    });
    return this.resync;
  }

  private async replayPendingInvalidations(): Promise<void> {
    const { redis, memory, namespaceRoot } = this.options;
    const keys = [...this.pendingKeys];
    const prefixes = [...this.pendingPrefixes];
    this.pendingKeys.clear();
    this.pendingPrefixes.clear();
    try {
      for (const prefix of prefixes) await redis.deleteByPrefix(prefix);
      await redis.deleteMany(keys);
    } catch (error) {
      for (const key of keys) this.rememberKey(key);
      for (const prefix of prefixes) this.rememberPrefix(prefix);
      throw error;
    }
    await memory.deleteByPrefix(namespaceRoot);
  }
}
