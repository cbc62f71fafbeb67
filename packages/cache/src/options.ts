import { z } from 'zod';
import { CacheConfigError } from './errors';
import type { CacheVersion } from './envelope';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, type MemoryStore } from './memoryStore';
import type { RedisConnection } from './redisStore';

export interface CacheOptions {
  /** Namespace segment: keys live under `tessera:<app>:`. Letters, digits, `.`, `_`, `-`. */
  app: string;
  /** Upstash REST URL and token; without them the cache is memory only. */
  redis?: RedisConnection | null | undefined;
  /**
   * Browser mode: read Redis, never write it. `set`, `del`, `invalidate` and the store step of
   * `getOrSet` go to memory only. Use it wherever only a read-only token is available.
   */
  readonly?: boolean;
  /** Schema version stamped on every value; an entry with another version reads as a miss. Default 1. */
  version?: CacheVersion;
  /** Per Redis call, in ms; slower counts as a failure. Default 250. */
  timeoutMs?: number;
  /** Consecutive Redis failures that open the circuit. Default 2. */
  failureThreshold?: number;
  /** How long the circuit stays open before one call probes Redis again, in ms. Default 5000. */
  cooldownMs?: number;
  /** Memory LRU bound by entries (ignored when `memoryStore` is given). Default 5,000. */
  maxEntries?: number;
  /** Memory LRU bound by bytes (ignored when `memoryStore` is given). Default 50 MB. */
  maxBytes?: number;
  /** SCAN `COUNT` hint per page for `invalidate` on Redis. Default 100. */
  scanCount?: number;
  /** A memory store to use instead of a new one, e.g. to share one budget between caches. */
  memoryStore?: MemoryStore;
  /** Sees every Redis failure (they never reach callers); for logging. */
  onError?: (error: unknown) => void;
}

export const DEFAULT_TIMEOUT_MS = 250;
export const DEFAULT_FAILURE_THRESHOLD = 2;
export const DEFAULT_COOLDOWN_MS = 5_000;
export const DEFAULT_SCAN_COUNT = 100;

/** The app name goes into every key and into SCAN patterns: keep it free of `:` and glob characters. */
export const APP_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const positiveInteger = z.number().int().positive();

const settingsSchema = z.object({
  app: z.string().regex(APP_NAME_PATTERN, 'app must be 1–64 letters, digits, ".", "_" or "-" (no ":")'),
  redis: z
    .object({
      url: z.url({ protocol: /^https?$/, error: 'redis.url must be an http(s) URL (the Upstash REST URL)' }),
      token: z.string().trim().min(1, 'redis.token must not be empty'),
    })
    .nullish(),
  readonly: z.boolean().default(false),
  version: z.union([z.number().int().nonnegative(), z.string().min(1)]).default(1),
  timeoutMs: positiveInteger.default(DEFAULT_TIMEOUT_MS),
  failureThreshold: positiveInteger.default(DEFAULT_FAILURE_THRESHOLD),
  cooldownMs: positiveInteger.default(DEFAULT_COOLDOWN_MS),
  maxEntries: positiveInteger.default(DEFAULT_MAX_ENTRIES),
  maxBytes: positiveInteger.default(DEFAULT_MAX_BYTES),
  scanCount: positiveInteger.default(DEFAULT_SCAN_COUNT),
});

export type CacheSettings = z.infer<typeof settingsSchema>;

/** Validates options and fills defaults; throws CacheConfigError with every problem listed. */
export function parseCacheOptions(options: CacheOptions): CacheSettings {
  // zod strips keys it does not know: memoryStore and onError are left to TypeScript.
  const parsed = settingsSchema.safeParse(options);
  if (!parsed.success) {
    throw new CacheConfigError(`Invalid cache options:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
