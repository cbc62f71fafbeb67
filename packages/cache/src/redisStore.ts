import { Redis } from '@upstash/redis';
import { escapeGlob } from './keys';
import type { KeyValueStore } from './keyValueStore';
import { withTimeout } from './timeout';

/** Where an Upstash database answers (REST URL) and the token to use. */
export interface RedisConnection {
  url: string;
  token: string;
}

export interface RedisStoreOptions {
  /** Per-call limit; a slower call counts as a failure. */
  timeoutMs: number;
  /** SCAN `COUNT` hint per page while invalidating. */
  scanCount: number;
}

/** UNLINK takes many keys; batches keep one request well under Upstash's request size limit. */
const UNLINK_BATCH = 500;

/** Creates the Upstash REST client the way the cache needs it. */
export function createUpstashClient(connection: RedisConnection, timeoutMs: number): Redis {
  return new Redis({
    url: connection.url,
    token: connection.token,
    // One attempt: the circuit breaker decides about retrying, not a 5-step backoff inside a call.
    retry: { retries: 0 },
    // Values are our own JSON envelopes; we parse them ourselves.
    automaticDeserialization: false,
    // One HTTP request per call, so a failure or timeout maps to exactly one breaker outcome.
    enableAutoPipelining: false,
    enableTelemetry: false,
    // Cancels the request itself once our own deadline (below) has already given up on it.
    signal: () => AbortSignal.timeout(timeoutMs + 50),
  });
}

/**
 * Redis through the Upstash REST API (fetch-based, so it runs in browsers and Node alike).
 * Every call has a deadline; errors propagate, FailoverStore decides what to do with them.
 */
export class RedisStore implements KeyValueStore {
  constructor(
    private readonly client: Redis,
    private readonly options: RedisStoreOptions,
  ) {}

  async get(key: string): Promise<string | null> {
    const raw = await this.call('GET', () => this.client.get<string>(key));
    return typeof raw === 'string' ? raw : null;
  }

  async set(key: string, raw: string, ttlSeconds: number): Promise<void> {
    await this.call('SET', () => this.client.set(key, raw, { ex: ttlSeconds }));
  }

  async delete(key: string): Promise<void> {
    // UNLINK frees memory in the background; DEL would block Redis on a large value.
    await this.call('UNLINK', () => this.client.unlink(key));
  }

  async deleteMany(keys: readonly string[]): Promise<number> {
    let deleted = 0;
    for (let start = 0; start < keys.length; start += UNLINK_BATCH) {
      const batch = keys.slice(start, start + UNLINK_BATCH);
      deleted += await this.call('UNLINK', () => this.client.unlink(...batch));
    }
    return deleted;
  }

  /** SCAN with MATCH, page by page, never KEYS: KEYS blocks the whole server on a big database. */
  async deleteByPrefix(prefix: string): Promise<number> {
    const match = `${escapeGlob(prefix)}*`;
    let cursor: string | number = '0';
    let deleted = 0;
    do {
      const [next, keys] = await this.call('SCAN', () =>
        this.client.scan(cursor, { match, count: this.options.scanCount }),
      );
      cursor = next;
      if (keys.length > 0) deleted += await this.deleteMany(keys);
    } while (!isFinalCursor(cursor));
    return deleted;
  }

  private call<T>(command: string, run: () => Promise<T>): Promise<T> {
    return withTimeout(run(), this.options.timeoutMs, `Redis ${command}`);
  }
}

/** Upstash sends the cursor as a string; a proxy answering a numeric 0 must still end the loop. */
function isFinalCursor(cursor: string | number): boolean {
  return String(cursor) === '0';
}
