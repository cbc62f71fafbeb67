export { createCache, type Cache, type CacheStats } from './createCache';
export type { CacheOptions } from './options';
export {
  DEFAULT_COOLDOWN_MS,
  DEFAULT_FAILURE_THRESHOLD,
  DEFAULT_SCAN_COUNT,
  DEFAULT_TIMEOUT_MS,
} from './options';
export { TTL, type TtlPreset } from './ttl';
export { MemoryStore, DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, type MemoryStoreOptions } from './memoryStore';
export type { RedisConnection } from './redisStore';
export type { CacheBackendName } from './failoverStore';
export type { CircuitState } from './circuitBreaker';
export type { CacheVersion } from './envelope';
export {
  redisConfigFromNodeEnv,
  redisConfigFromViteEnv,
  NODE_REDIS_TOKEN,
  NODE_REDIS_URL,
  VITE_REDIS_TOKEN,
  VITE_REDIS_URL,
  type EnvironmentRecord,
} from './config';
export { CacheConfigError, CacheError, CacheInputError, CacheTimeoutError } from './errors';
