import { CacheConfigError } from './errors';
import type { RedisConnection } from './redisStore';

/** `import.meta.env`, `process.env` or any plain record of environment values. */
export type EnvironmentRecord = Readonly<Record<string, unknown>>;

export const VITE_REDIS_URL = 'VITE_UPSTASH_REDIS_URL';
export const VITE_REDIS_TOKEN = 'VITE_UPSTASH_REDIS_TOKEN';
export const NODE_REDIS_URL = 'UPSTASH_REDIS_REST_URL';
export const NODE_REDIS_TOKEN = 'UPSTASH_REDIS_REST_TOKEN';

/**
 * The web app's Redis connection from `import.meta.env`, or undefined (memory only) when neither
 * variable is set. The token here must be Upstash's read-only token: it ships in the bundle.
 */
export function redisConfigFromViteEnv(env: EnvironmentRecord): RedisConnection | undefined {
  return readConnection(env, VITE_REDIS_URL, VITE_REDIS_TOKEN);
}

/** A Node process's Redis connection from `process.env`, or undefined (memory only). */
export function redisConfigFromNodeEnv(env: EnvironmentRecord): RedisConnection | undefined {
  return readConnection(env, NODE_REDIS_URL, NODE_REDIS_TOKEN);
}

function readConnection(env: EnvironmentRecord, urlName: string, tokenName: string): RedisConnection | undefined {
  const url = readText(env, urlName);
  const token = readText(env, tokenName);
  if (url === undefined && token === undefined) return undefined;
  // Half a configuration is a mistake worth failing on, not a reason to silently run on memory.
  if (url === undefined) throw new CacheConfigError(`${tokenName} is set but ${urlName} is not; set both or neither`);
  if (token === undefined) throw new CacheConfigError(`${urlName} is set but ${tokenName} is not; set both or neither`);
  return { url, token };
}

function readText(env: EnvironmentRecord, name: string): string | undefined {
  const value = env[name];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
